package io.lethe.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lethe.requests.RequestType;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Reads what the sender of a message wrote themselves, the way mail clients quote: plain text is preferred; HTML is
 * read as text without its quotes ({@code <blockquote>}, Gmail's {@code gmail_quote}, Outlook's {@code divRplyFwdMsg}
 * and {@code From:/Sent:} block, Thunderbird's and Apple Mail's cite prefixes); quoted lines and attribution lines
 * ("On … wrote:") are dropped wherever they are (so bottom-posted answers are read too); and every sentence of the
 * hub's own templates is removed, so the hub never takes a verdict from its own words. A verdict is given only for a
 * clear phrase ({@link Keywords}); anything else is {@code action_required}.
 */
public final class ReplyReader {

    /** A vendor's answer as the request records it. */
    public record Verdict(String status, String detail) {
    }

    private static final Pattern ORIGINAL = Pattern.compile("(?i)^(-{2,}\\s*(original message|ursprüngliche nachricht"
            + "|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)\\s*-{2,}|_{8,}"
            + "|begin forwarded message:|-{2,}\\s*forwarded message\\s*-{2,})\\s*$");
    private static final Pattern HEADER_FROM = Pattern.compile("(?i)^\\*?(from|von|de|da|van)\\s*:\\*?\\s*\\S.*");
    private static final Pattern HEADER_NEXT = Pattern.compile("(?i)^\\*?(sent|date|gesendet|datum|envoyé|envoye"
            + "|enviado|enviado el|fecha|inviato|data|verzonden|to|an|à|a|para|aan|subject|betreff|objet|asunto"
            + "|oggetto|onderwerp|cc)\\s*:.*");
    private static final Pattern ATTRIBUTION = Pattern.compile("(?is)^(on|am|le|el|il|op|the)\\b.{0,400}?"
            + "(wrote|schrieb|a écrit|a ecrit|escribió|escribio|ha scritto|scrive|schreef)\\s*:\\s*$");
    private static final Pattern SIGNATURE = Pattern.compile("^--\\s?$");

    private final List<Pattern> templateSentences;
    private final List<Pattern> refused;
    private final List<Pattern> notFound;
    private final List<Pattern> completed;
    private final List<Pattern> negation;
    private final List<Pattern> erasure;
    private final List<Pattern> access;
    private final List<Pattern> objection;
    private final List<Pattern> templateSubjects;

    public ReplyReader(Keywords keywords, List<String> templates) {
        this.refused = keywords.patterns("reply.refused", false);
        this.notFound = keywords.patterns("reply.not_found", false);
        this.completed = keywords.patterns("reply.completed", false);
        this.negation = keywords.patterns("reply.negation", true);
        this.erasure = keywords.patterns("request.erasure", false);
        this.access = keywords.patterns("request.access", false);
        this.objection = keywords.patterns("request.objection", false);
        List<Pattern> sentences = new ArrayList<>();
        List<Pattern> subjects = new ArrayList<>();
        for (String template : templates) {
            int newline = template.indexOf('\n');
            subjects.add(Pattern.compile(wildcards(Keywords.normalise(newline < 0 ? template : template.substring(0, newline)))));
            for (String sentence : Keywords.normalise(template).split("(?<=[.!?:])\\s+")) {
                if (sentence.split(" ").length >= 3) {
                    sentences.add(Pattern.compile(wildcards(sentence)));
                }
            }
        }
        this.templateSentences = List.copyOf(sentences);
        this.templateSubjects = List.copyOf(subjects);
    }

    /** Reads {@code keywords.properties} and every template ({@code *.txt}) of the mail folder. */
    public static ReplyReader load(Path mailFolder) {
        try (Stream<Path> files = Files.list(mailFolder)) {
            List<String> templates = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                templates.add(Files.readString(f));
            }
            return new ReplyReader(Keywords.load(mailFolder.resolve("keywords.properties")), templates);
        } catch (IOException e) {
            throw new UncheckedIOException("mail templates are not readable: " + mailFolder, e);
        }
    }

    private static String wildcards(String normalisedTemplateText) {
        StringBuilder regex = new StringBuilder();
        Matcher m = Pattern.compile("\\$\\{[a-zA-Z]+}").matcher(normalisedTemplateText);
        int last = 0;
        while (m.find()) {
            regex.append(literal(normalisedTemplateText.substring(last, m.start()))).append(".{0,400}?");
            last = m.end();
        }
        return regex.append(literal(normalisedTemplateText.substring(last))).toString();
    }

    private static String literal(String s) {
        StringBuilder out = new StringBuilder();
        for (String word : s.split(" ", -1)) {
            if (out.length() > 0) {
                out.append("\\s*");
            }
            if (!word.isEmpty()) {
                out.append(Pattern.quote(word));
            }
        }
        return out.toString();
    }

    /** What the sender wrote themselves, normalised (lower case, one space between words). */
    public String ownText(InboundMail mail) {
        String plain = mail.plainText();
        String text = plain.isBlank() ? htmlToText(mail.htmlText()) : plain;
        return withoutTemplates(stripQuotes(text));
    }

    String withoutTemplates(String text) {
        String t = Keywords.normalise(text);
        for (Pattern sentence : templateSentences) {
            t = sentence.matcher(t).replaceAll(" ");
        }
        return t.replaceAll("\\s+", " ").strip();
    }

    /** A subject that is one of the hub's own (after any "Re:", "AW:", "[EXTERNAL]" and the like). */
    public boolean isHubSubject(String subject) {
        String s = Keywords.normalise(subject).replaceAll("^((re|aw|sv|antw|réf|ref|rif|r|fw|fwd|wg|tr)\\s*:\\s*|\\[[^\\]]{1,20}]\\s*)+", "");
        return !s.isEmpty() && templateSubjects.stream().anyMatch(p -> p.matcher(s).matches());
    }

    /** The verdict of a vendor's own text. */
    public Verdict verdict(String ownText) {
        String t = Keywords.normalise(ownText);
        if (t.isEmpty()) {
            return new Verdict("action_required", "vendor replied without an answer of its own; needs a person");
        }
        if (Keywords.find(refused, t) >= 0) {
            return new Verdict("action_required", "vendor replied: cannot comply");
        }
        boolean none = Keywords.find(notFound, t) >= 0;
        int done = 0;
        boolean negated = false;
        for (Pattern p : completed) {
            Matcher m = p.matcher(t);
            while (m.find()) {
                if (isNegated(t, m.start())) {
                    negated = true;
                } else {
                    done++;
                }
            }
        }
        if (none && done == 0 && !negated) {
            return new Verdict("not_found", "vendor replied: holds no data");
        }
        if (done > 0 && !none && !negated) {
            return new Verdict("completed", "vendor replied: done");
        }
        return new Verdict("action_required", "vendor replied; the reply needs a person to read it");
    }

    private boolean isNegated(String t, int at) {
        int from = Math.max(0, at - 30);
        String before = t.substring(from, at);
        int sentence = Math.max(before.lastIndexOf(". "), Math.max(before.lastIndexOf("! "), before.lastIndexOf("? ")));
        String window = sentence >= 0 ? before.substring(sentence + 2) : before;
        return Keywords.find(negation, window) >= 0;
    }

    /** What a person's own text asks for, if anything. */
    public Optional<RequestType> intent(String text) {
        String t = Keywords.normalise(text);
        if (Keywords.find(erasure, t) >= 0) {
            return Optional.of(RequestType.ERASURE);
        }
        if (Keywords.find(access, t) >= 0) {
            return Optional.of(RequestType.ACCESS);
        }
        if (Keywords.find(objection, t) >= 0) {
            return Optional.of(RequestType.OBJECTION);
        }
        return Optional.empty();
    }

    /** Plain text without quoted mail: cut at a forwarded/original header block, skip quoted and attribution lines. */
    static String stripQuotes(String text) {
        String[] lines = text.replace("\r", "").split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (ORIGINAL.matcher(t).matches() || SIGNATURE.matcher(lines[i]).matches()) {
                break;
            }
            if (HEADER_FROM.matcher(t).matches() && headerFollows(lines, i)) {
                break;
            }
            if (t.startsWith(">")) {
                continue;
            }
            int attribution = attributionLines(lines, i);
            if (attribution > 0) {
                i += attribution - 1;
                continue;
            }
            out.append(lines[i]).append('\n');
        }
        return out.toString();
    }

    private static boolean headerFollows(String[] lines, int i) {
        for (int j = i + 1; j < Math.min(lines.length, i + 5); j++) {
            if (HEADER_NEXT.matcher(lines[j].strip()).matches()) {
                return true;
            }
        }
        return false;
    }

    private static int attributionLines(String[] lines, int i) {
        StringBuilder joined = new StringBuilder();
        for (int n = 0; n < 3 && i + n < lines.length; n++) {
            joined.append(n == 0 ? "" : " ").append(lines[i + n].strip());
            if (ATTRIBUTION.matcher(joined).matches()) {
                return n + 1;
            }
        }
        return 0;
    }

    /** HTML as text, one line per block, without the quoted mail. */
    static String htmlToText(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        Document doc = Jsoup.parse(html);
        doc.select("head, style, script, title").remove();
        for (Element cut : doc.select("#divRplyFwdMsg, #appendonsend, #mail-editor-reference-message-container,"
                + " div.OutlookMessageHeader")) {
            removeWithFollowing(cut);
        }
        doc.select("blockquote, .gmail_quote, .gmail_attr, .moz-cite-prefix, .yahoo_quoted, .protonmail_quote").remove();
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    out.append(text.text());
                } else if (node instanceof Element e && (e.normalName().equals("br") || e.isBlock())) {
                    out.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && e.isBlock()) {
                    out.append('\n');
                }
            }
        }, doc.body() == null ? doc : doc.body());
        return out.toString();
    }

    private static void removeWithFollowing(Element cut) {
        Element e = cut;
        while (e != null && e.parent() != null && !e.normalName().equals("body")) {
            while (e.nextElementSibling() != null) {
                e.nextElementSibling().remove();
            }
            e = e.parent();
        }
        cut.remove();
    }
}
