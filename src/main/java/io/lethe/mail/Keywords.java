package io.lethe.mail;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phrases of {@code config/mail/keywords.properties} ({@code <meaning>.<language> = phrase, phrase}), every
 * language of a meaning together. A phrase matches at the start of a word, in text {@link #normalise normalised}
 * the same way.
 */
public final class Keywords {

    private final Properties phrases;

    private Keywords(Properties phrases) {
        this.phrases = phrases;
    }

    public static Keywords load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("mail keywords are missing: " + file, e);
        }
        return new Keywords(p);
    }

    /** Lower case, typographic apostrophes made plain, whitespace collapsed. */
    public static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace('\u00a0', ' ')
                .replaceAll("\\s+", " ").strip();
    }

    /** Compiled phrases of one meaning, in every language; {@code whole} also requires a word end. */
    public List<Pattern> patterns(String meaning, boolean whole) {
        List<Pattern> out = new ArrayList<>();
        for (String key : phrases.stringPropertyNames().stream().sorted().toList()) {
            if (!key.equals(meaning) && !key.startsWith(meaning + ".")) {
                continue;
            }
            for (String phrase : phrases.getProperty(key).split(",")) {
                String p = normalise(phrase);
                if (p.isEmpty()) {
                    continue;
                }
                String start = Character.isLetterOrDigit(p.charAt(0)) ? "(?<![\\p{L}\\p{N}])" : "";
                String end = whole && Character.isLetterOrDigit(p.charAt(p.length() - 1)) ? "(?![\\p{L}\\p{N}])" : "";
                out.add(Pattern.compile(start + Pattern.quote(p).replace(" ", "\\E\\s+\\Q") + end));
            }
        }
        return out;
    }

    /** Where the first phrase of the list occurs in normalised text, or -1. */
    static int find(List<Pattern> patterns, String normalised) {
        int best = -1;
        for (Pattern p : patterns) {
            Matcher m = p.matcher(normalised);
            if (m.find() && (best < 0 || m.start() < best)) {
                best = m.start();
            }
        }
        return best;
    }
}
