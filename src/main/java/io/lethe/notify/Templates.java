package io.lethe.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Notification texts from {@code config/mail/<name>.txt}: the first line is the subject, the rest the body, with
 * {@code ${name}} placeholders. Operators edit the wording without touching code. Request mails get
 * {@code requestId}, {@code type} ("erasure"), {@code aType} ("an erasure"), {@code receivedAt}, {@code dueAt}.
 */
public class Templates {

    private final Path folder;

    public Templates(Path folder) {
        this.folder = folder;
    }

    /** "an erasure", "a rectification": the word with its indefinite article, for {@code ${aType}} in the texts. */
    public static String withArticle(String word) {
        return (word.matches("(?i)^[aeiou].*") ? "an " : "a ") + word;
    }

    /** A rendered message. */
    public record Message(String subject, String body) {
    }

    public Message render(String name, Map<String, String> values) {
        String text;
        try {
            text = Files.readString(folder.resolve(name + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException("mail template " + name + " is missing from " + folder, e);
        }
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("${" + v.getKey() + "}", v.getValue() == null ? "" : v.getValue());
        }
        int newline = text.indexOf('\n');
        return new Message(text.substring(0, newline).strip(), text.substring(newline + 1).strip() + "\n");
    }
}
