package io.lethe.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The .eml fixtures of src/test/resources/mail, with their placeholders filled (see the README there). */
final class MailFixtures {

    private static final Pattern B64 = Pattern.compile("\\$\\{b64:([^}]*)}");

    private MailFixtures() {
    }

    static byte[] fill(String name, Map<String, String> values) {
        String text;
        try (InputStream in = MailFixtures.class.getResourceAsStream("/mail/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("${" + v.getKey() + "}", v.getValue());
        }
        Matcher m = B64.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(
                    Base64.getEncoder().encodeToString(m.group(1).getBytes(StandardCharsets.UTF_8))));
        }
        m.appendTail(out);
        if (out.indexOf("${") >= 0) {
            throw new IllegalArgumentException(name + " has an unfilled placeholder near "
                    + out.substring(out.indexOf("${"), Math.min(out.length(), out.indexOf("${") + 20)));
        }
        return out.toString().replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
