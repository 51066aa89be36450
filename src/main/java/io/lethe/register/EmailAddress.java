package io.lethe.register;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The normal form of an e-mail address, the one its lookup hash is taken of, so that every spelling of one mailbox
 * finds the same subject. Internationalised addresses (RFC 6531) are accepted:
 * <ul>
 *   <li>the whole address is trimmed and NFKC-normalised (a full-width {@code ＠} or {@code ．} becomes ASCII);</li>
 *   <li>the domain is converted to its ASCII form (IDNA, {@code bücher.de} → {@code xn--bcher-kva.de}) and
 *       lower-cased; a domain already given as A-labels must decode and re-encode to itself;</li>
 *   <li>the local part is lower-cased (Unicode, locale-independent) and NFKC-normalised again: addresses are compared
 *       case-insensitively, as every mainstream mailbox provider treats them;</li>
 *   <li>limits: local part 64 octets (UTF-8), domain 253, whole address 254 octets (RFC 5321 / 6531).</li>
 * </ul>
 * The JDK's IDNA is IDNA2003, which maps the four "deviation" characters (ß, ς, ZWJ, ZWNJ) to other letters where
 * IDNA2008 keeps them: {@code straße.de} would become {@code strasse.de}, another domain, and mail would go astray.
 * Such domains are refused rather than silently rewritten, in Unicode and as A-labels ({@code xn--strae-oqa.de}: the
 * JDK's ToUnicode cannot decode what its ToASCII would not produce).
 */
final class EmailAddress {

    private static final Pattern ASCII_DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");
    /** RFC 5322 atext and dots, plus (RFC 6531) non-ASCII letters, marks and digits; no spaces, symbols or controls. */
    private static final Pattern LOCAL_PART = Pattern.compile("^[a-z0-9.!#$%&'*+/=?^_`{|}~\\-\\p{L}\\p{M}\\p{N}]+$");
    private static final Pattern DEVIATIONS = Pattern.compile("[\\u00DF\\u03C2\\u200C\\u200D]");

    private EmailAddress() {
    }

    static Optional<String> normalise(String raw) {
        String value = Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC);
        int at = value.lastIndexOf('@');
        if (at <= 0 || at != value.indexOf('@') || at == value.length() - 1) {
            return Optional.empty();
        }
        Optional<String> local = localPart(value.substring(0, at));
        Optional<String> domain = domain(value.substring(at + 1));
        if (local.isEmpty() || domain.isEmpty()) {
            return Optional.empty();
        }
        String address = local.get() + "@" + domain.get();
        return octets(address) <= 254 ? Optional.of(address) : Optional.empty();
    }

    private static Optional<String> localPart(String raw) {
        String local = Normalizer.normalize(raw.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
        if (octets(local) > 64 || !LOCAL_PART.matcher(local).matches()) {
            return Optional.empty();
        }
        return Optional.of(local);
    }

    private static Optional<String> domain(String raw) {
        if (DEVIATIONS.matcher(raw).find() || raw.endsWith(".")) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!ASCII_DOMAIN.matcher(ascii).matches()) {
            return Optional.empty();
        }
        for (String label : ascii.split("\\.")) {
            if (label.startsWith("xn--") && !isValidALabel(label)) {
                return Optional.empty();
            }
        }
        return Optional.of(ascii);
    }

    /** An A-label must be real Punycode of an IDNA2003 label: decoding and encoding again gives the same label. */
    private static boolean isValidALabel(String label) {
        try {
            String unicode = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
            return !unicode.equals(label) && IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
