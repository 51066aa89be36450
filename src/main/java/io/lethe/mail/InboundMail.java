package io.lethe.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

/**
 * One message of the hub's mailbox, parsed by the hub itself from its raw bytes (RFC 5322 / MIME), so that a message
 * that cannot be read fails here, with {@link Malformed}, and can be set aside instead of blocking the mailbox.
 * Headers are decoded (RFC 2047) and unfolded; text comes from the message's own text parts, not its attachments.
 */
public final class InboundMail {

    /** The message cannot be read (bad encoding, unknown charset, broken structure or envelope). */
    public static final class Malformed extends Exception {
        Malformed(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");
    private static final Pattern EMBEDDED_ID = Pattern.compile("(?im)^(?:Message-ID|Original-Message-ID)\\s*:\\s*(<[^<>\\s]+>)");
    private static final Set<String> SYSTEM_SENDERS = Set.of("mailer-daemon", "postmaster", "mail-daemon",
            "mailerdaemon");
    private static final Session SESSION = Session.getInstance(new Properties());

    private final String subject;
    private final List<String> from;
    private final String returnPath;
    private final String messageId;
    private final List<String> replyIds;
    private final String contentType;
    private final String plain;
    private final String html;
    private final List<String> embeddedIds;
    private final boolean autoHeaders;
    private final MimeMessage mime;

    private InboundMail(MimeMessage mime, String raw) throws MessagingException, IOException {
        this.mime = mime;
        this.subject = decode(mime.getHeader("Subject", " "));
        Address[] addresses = parseFrom(mime.getHeader("From", ","));
        List<String> f = new ArrayList<>();
        for (Address a : addresses) {
            f.add(((InternetAddress) a).getAddress().toLowerCase(Locale.ROOT));
        }
        this.from = List.copyOf(f);
        this.returnPath = header("Return-Path");
        this.messageId = firstId(header("Message-ID"));
        List<String> ids = new ArrayList<>(ids(header("In-Reply-To")));
        List<String> references = ids(mime.getHeader("References", " "));
        Collections.reverse(references); // newest first
        references.stream().filter(id -> !ids.contains(id)).forEach(ids::add);
        this.replyIds = List.copyOf(ids);
        this.contentType = new ContentType(mime.getContentType() == null ? "text/plain" : mime.getContentType())
                .getBaseType().toLowerCase(Locale.ROOT);
        StringBuilder p = new StringBuilder();
        StringBuilder h = new StringBuilder();
        collect(mime, p, h, 0);
        this.plain = p.toString();
        this.html = h.toString();
        List<String> embedded = new ArrayList<>();
        Matcher m = EMBEDDED_ID.matcher(raw);
        while (m.find()) {
            if (!m.group(1).equals(messageId) && !embedded.contains(m.group(1))) {
                embedded.add(m.group(1));
            }
        }
        this.embeddedIds = List.copyOf(embedded);
        String autoSubmitted = header("Auto-Submitted");
        String precedence = header("Precedence");
        this.autoHeaders = (autoSubmitted != null && !autoSubmitted.toLowerCase(Locale.ROOT).startsWith("no"))
                || (precedence != null && precedence.toLowerCase(Locale.ROOT).matches("\\s*(bulk|junk|list|auto_reply).*"))
                || header("X-Autoreply") != null || header("X-Autorespond") != null
                || header("X-Auto-Reply") != null || header("List-Id") != null;
    }

    /** Parses a raw message; anything that cannot be read is {@link Malformed}. */
    public static InboundMail parse(byte[] raw) throws Malformed {
        try {
            MimeMessage mime = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            return new InboundMail(mime, new String(raw, StandardCharsets.ISO_8859_1));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new Malformed(e.getClass().getSimpleName(), e);
        }
    }

    /** The Message-ID of a message that cannot be parsed, read from its raw header, or null. */
    public static String rawMessageId(byte[] raw) {
        String head = new String(raw, 0, Math.min(raw.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        Matcher m = EMBEDDED_ID.matcher(end < 0 ? head : head.substring(0, end));
        return m.find() ? m.group(1) : null;
    }

    private static Address[] parseFrom(String value) throws MessagingException {
        if (value == null || value.isBlank()) {
            throw new MessagingException("no From");
        }
        Address[] a = InternetAddress.parseHeader(MimeUtility.unfold(value), true);
        if (a.length == 0) {
            throw new MessagingException("no From");
        }
        for (Address one : a) {
            ((InternetAddress) one).validate();
        }
        return a;
    }

    private static void collect(Part part, StringBuilder plain, StringBuilder html, int depth)
            throws MessagingException, IOException {
        if (depth > 10) {
            throw new MessagingException("nested too deeply");
        }
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return;
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), plain, html, depth + 1);
            }
        } else if (part.isMimeType("text/plain")) {
            plain.append(text(part)).append('\n');
        } else if (part.isMimeType("text/html")) {
            html.append(text(part)).append('\n');
        } else {
            drain(part); // attachments and reports: decoded once, so a broken encoding is found here too
        }
    }

    private static String text(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        throw new MessagingException("text part is not text");
    }

    private static void drain(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            in.transferTo(new ByteArrayOutputStream());
        }
    }

    private String header(String name) throws MessagingException {
        String v = mime.getHeader(name, " ");
        return v == null ? null : MimeUtility.unfold(v).strip();
    }

    private static String decode(String value) {
        if (value == null) {
            return "";
        }
        String unfolded = MimeUtility.unfold(value);
        try {
            unfolded = MimeUtility.decodeText(unfolded);
        } catch (java.io.UnsupportedEncodingException e) {
            // an undecodable word stays as it was written
        }
        return unfolded.replaceAll("\\s+", " ").strip();
    }

    private static List<String> ids(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            Matcher m = MESSAGE_ID.matcher(value);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    private static String firstId(String value) {
        List<String> ids = ids(value);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** The decoded, unfolded subject, whitespace collapsed. */
    public String subject() {
        return subject;
    }

    /** The From addresses, lower-cased. */
    public List<String> from() {
        return from;
    }

    /** The single sender, or null when From names none or several. */
    public String sender() {
        return from.size() == 1 ? from.get(0) : null;
    }

    public String messageId() {
        return messageId;
    }

    /** Message-IDs this one answers: In-Reply-To first, then References newest first. */
    public List<String> replyIds() {
        return replyIds;
    }

    /** Message-IDs quoted inside the message (a bounce names the message that could not be delivered). */
    public List<String> embeddedIds() {
        return embeddedIds;
    }

    public String plainText() {
        return plain;
    }

    public String htmlText() {
        return html;
    }

    /** A delivery report (bounce): {@code multipart/report}, or a null sender with a system address. */
    public boolean isDeliveryReport() {
        return contentType.equals("multipart/report") || (nullSender() && systemSender());
    }

    /**
     * Sent by a machine, not a person (RFC 3834): a bounce, an auto-reply (out of office), list or bulk mail. Such a
     * message is never a request and never a vendor's verdict.
     */
    public boolean isAutomatic() {
        return autoHeaders || isDeliveryReport() || nullSender() || systemSender();
    }

    private boolean nullSender() {
        return returnPath != null && returnPath.replaceAll("[<>\\s]", "").isEmpty();
    }

    private boolean systemSender() {
        return from.stream().anyMatch(a -> SYSTEM_SENDERS.contains(a.substring(0, Math.max(0, a.indexOf('@')))));
    }
}
