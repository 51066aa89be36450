package io.lethe.evidence;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lethe.audit.AuditKey;
import io.lethe.audit.Checkpoint;
import io.lethe.cli.ExitCodes;
import io.lethe.cli.LetheCommandAccess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Offline verification of bundles and receipts: what passes, and that any change of a byte or of the key fails. */
class EvidenceVerifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    static final String SUBJECT = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
    static final String OTHER = "0a0b0c0d-1111-4222-8333-444455556666";

    final AuditKey hubKey = AuditKey.of(bytes(7));
    final SigningKeys keys = new SigningKeys(hubKey);
    final Map<String, PublicKey> published = SigningKeys.parseJwks(JSON.valueToTree(keys.jwks()));

    @Test
    void a_bundle_verifies_offline_and_says_what_it_could_not_check() {
        EvidenceVerifier.Report report = EvidenceVerifier.offline(bundle(entries(), hubKey, keys), published);
        assertThat(report.passed()).as(report.checks().toString()).isTrue();
        assertThat(outcomes(report)).containsEntry("signature", EvidenceVerifier.Outcome.PASSED)
                .containsEntry("checkpoint", EvidenceVerifier.Outcome.PASSED)
                .containsEntry("coverage", EvidenceVerifier.Outcome.PASSED)
                .containsEntry("links", EvidenceVerifier.Outcome.PASSED)
                .containsEntry("chain", EvidenceVerifier.Outcome.NOT_CHECKED)
                .containsEntry("register", EvidenceVerifier.Outcome.NOT_CHECKED);
        assertThat(report.checks().toString()).contains("2 adjacent pairs link").doesNotContain("198.51.100.23");
    }

    @Test
    void changing_a_single_byte_anywhere_in_the_file_fails() {
        String file = bundle(entries(), hubKey, keys) + "\n";
        int payloadStart = file.indexOf('.') + 1;
        int payloadEnd = file.lastIndexOf('.');
        // Every byte of the header, the dots, the signature and the newline, each changed to a letter and to a space;
        // 60 spread over the long payload (the JDK's Ed25519 takes milliseconds per check on a loaded machine).
        int stride = (payloadEnd - payloadStart) / 60;
        for (int i = 0; i < file.length(); i += i > payloadStart && i < payloadEnd - stride ? stride : 1) {
            char c = file.charAt(i);
            for (char other : new char[] {c == 'A' ? 'B' : 'A', ' '}) {
                String tampered = file.substring(0, i) + other + file.substring(i + 1);
                assertThat(EvidenceVerifier.offline(tampered, published).passed()).as("byte %d changed", i).isFalse();
            }
        }
    }

    @Test
    void a_bundle_signed_by_another_key_fails_against_the_published_one() {
        AuditKey stranger = AuditKey.of(bytes(9));
        SigningKeys strangerKeys = new SigningKeys(stranger);
        String foreign = bundle(entries(), stranger, strangerKeys);
        EvidenceVerifier.Report unknownKid = EvidenceVerifier.offline(foreign, published);
        assertThat(unknownKid.passed()).isFalse();
        assertThat(outcomes(unknownKid)).containsEntry("signature", EvidenceVerifier.Outcome.FAILED);
        // The same kid with another key: the signature itself does not hold.
        Map<String, PublicKey> impostor = Map.of(keys.currentKid(), strangerKeys.currentKey());
        assertThat(EvidenceVerifier.offline(bundle(entries(), hubKey, keys), impostor).passed()).isFalse();
    }

    @Test
    void a_checkpoint_of_another_key_fails_even_inside_a_genuine_signature() {
        EvidenceVerifier.Report report = EvidenceVerifier.offline(bundle(entries(), AuditKey.of(bytes(3)), keys),
                published);
        assertThat(outcomes(report)).containsEntry("signature", EvidenceVerifier.Outcome.PASSED)
                .containsEntry("checkpoint", EvidenceVerifier.Outcome.FAILED);
    }

    @Test
    void entries_beyond_the_checkpoint_or_of_another_subject_or_forked_fail() {
        List<Map<String, Object>> beyond = entries();
        beyond.add(entry(40, "hubspot", SUBJECT, hex('e'), hex('f')));
        assertThat(outcomes(EvidenceVerifier.offline(bundle(beyond, hubKey, keys), published)))
                .containsEntry("coverage", EvidenceVerifier.Outcome.FAILED);

        List<Map<String, Object>> foreign = entries();
        foreign.set(0, entry(3, "hubspot", OTHER, hex('0'), hex('1')));
        assertThat(outcomes(EvidenceVerifier.offline(bundle(foreign, hubKey, keys), published)))
                .containsEntry("coverage", EvidenceVerifier.Outcome.FAILED);

        List<Map<String, Object>> forked = entries();
        forked.add(entry(12, "hubspot", SUBJECT, hex('1'), hex('9'))); // links to seq 3, skipping seq 5 and 9
        forked.sort((a, b) -> Long.compare((long) a.get("seq"), (long) b.get("seq")));
        assertThat(outcomes(EvidenceVerifier.offline(bundle(forked, hubKey, keys), published)))
                .containsEntry("links", EvidenceVerifier.Outcome.FAILED);
    }

    @Test
    void a_receipt_verifies_and_a_changed_one_does_not() {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("format", ConsentReceipts.FORMAT);
        receipt.put("schema_version", ConsentReceipts.SCHEMA_VERSION);
        receipt.put("record_id", "e0e0e0e0-1111-4222-8333-444455556666");
        receipt.put("receipt_timestamp", "2026-12-02T01:00:00Z");
        String jws = keys.sign(ConsentReceipts.CONTENT_TYPE, EvidenceBundles.bytes(receipt));
        EvidenceVerifier.Report report = EvidenceVerifier.offline(jws, published);
        assertThat(report.passed()).isTrue();
        assertThat(report.isBundle()).isFalse();
        assertThat(outcomes(report)).containsEntry("consents", EvidenceVerifier.Outcome.NOT_CHECKED);
        String[] parts = jws.split("\\.");
        String edited = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("e0e0e0e0", "f0f0f0f0");
        String swapped = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                edited.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(EvidenceVerifier.offline(swapped, published).passed()).isFalse();
    }

    @Test
    void the_published_key_set_is_an_rfc_8037_okp_key() {
        Map<String, Object> jwk = keys.jwks().get("keys") instanceof List<?> l ? cast(l.get(0)) : Map.of();
        assertThat(jwk).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519").containsEntry("use", "sig")
                .containsEntry("alg", "EdDSA").containsEntry("kid", hubKey.keyId());
        assertThat(Base64.getUrlDecoder().decode((String) jwk.get("x"))).hasSize(32);
        assertThat(published.get(hubKey.keyId())).isEqualTo(hubKey.signingPublicKey());
    }

    @Test
    void the_command_line_exits_0_1_2_3_and_prints_no_personal_data() throws Exception {
        Path dir = Files.createTempDirectory("lethe-evidence-cli-");
        Path file = Files.writeString(dir.resolve("bundle.jws"),
                bundle(entries(), hubKey, keys) + "\n");
        Path jwks = Files.writeString(dir.resolve("keys.json"),
                JSON.writeValueAsString(keys.jwks()));
        StringWriter out = new StringWriter();
        assertThat(LetheCommandAccess.execute(new PrintWriter(out, true), "evidence", "verify",
                file.toString(), "--jwks", jwks.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("passed", "not checked", "verifies offline").doesNotContain("198.51.100.23");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Path tampered = Files.write(dir.resolve("tampered.jws"), bytes);
        assertThat(LetheCommandAccess.execute(new PrintWriter(new StringWriter(), true),
                "evidence", "verify", tampered.toString(), "--jwks", jwks.toString()))
                .isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(LetheCommandAccess.execute(new PrintWriter(new StringWriter(), true),
                "evidence", "verify", file.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(LetheCommandAccess.execute(new PrintWriter(new StringWriter(), true),
                "evidence", "verify", file.toString(), "--jwks", dir.resolve("missing.json").toString()))
                .isEqualTo(ExitCodes.FAILURE);
    }

    // --- fixtures -----------------------------------------------------------------------------------------------

    /** hubspot: seq 3 → 5 adjacent, 9 after others; mailchimp: 4 → 8 adjacent, 8 the checkpointed head. */
    static List<Map<String, Object>> entries() {
        List<Map<String, Object>> entries = new ArrayList<>();
        entries.add(entry(3, "hubspot", SUBJECT, hex('0'), hex('1')));
        entries.add(entry(4, "mailchimp", SUBJECT, hex('0'), hex('a')));
        entries.add(entry(5, "hubspot", SUBJECT, hex('1'), hex('2')));
        entries.add(entry(8, "mailchimp", SUBJECT, hex('a'), hex('b')));
        entries.add(entry(9, "hubspot", SUBJECT, hex('7'), hex('8')));
        return entries;
    }

    static Map<String, Object> entry(long seq, String vendor, String subject, String prev, String hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("at", "2026-12-01T10:00:0" + (seq % 10) + "Z");
        m.put("vendor", vendor);
        m.put("subjectId", subject);
        m.put("requestId", null);
        m.put("action", "opt_out");
        m.put("outcome", "completed");
        m.put("httpStatus", 200);
        m.put("attempt", 1);
        m.put("detail", null);
        m.put("hash", hash);
        m.put("prevHash", prev);
        return m;
    }

    /** A subject bundle whose checkpoint {@code checkpointKey} signs and {@code signer} signs as a whole. */
    static String bundle(List<Map<String, Object>> entries, AuditKey checkpointKey, SigningKeys signer) {
        Map<String, Checkpoint.VendorHead> heads = Map.of("hubspot", new Checkpoint.VendorHead(20, 30, hex('c')),
                "mailchimp", new Checkpoint.VendorHead(8, 8, hex('b')));
        Checkpoint unsigned = new Checkpoint(Instant.parse("2026-12-02T01:00:00Z"), 28, heads, checkpointKey.keyId(),
                Base64.getEncoder().encodeToString(checkpointKey.signingPublicKey().getEncoded()), "");
        Map<String, Object> doc = unsigned.toDocument();
        doc.remove("signature");
        String signature;
        try {
            signature = Base64.getEncoder().encodeToString(checkpointKey.sign(CANONICAL.writeValueAsBytes(doc)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        doc.put("signature", signature);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", "e0e0e0e0-1111-4222-8333-444455556666");
        event.put("purpose", "email_marketing");
        event.put("status", "granted");
        event.put("evidence", Map.of("ip", "198.51.100.23", "noticeVersion", "2026-01"));
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("format", EvidenceBundles.FORMAT);
        bundle.put("kind", "subject");
        bundle.put("issuedAt", "2026-12-02T01:00:00Z");
        bundle.put("personalData", true);
        bundle.put("subjectId", SUBJECT);
        bundle.put("consentHistory", List.of(event));
        bundle.put("requests", List.of());
        bundle.put("syncLog", entries);
        bundle.put("checkpoint", doc);
        return signer.sign(EvidenceBundles.CONTENT_TYPE, EvidenceBundles.bytes(bundle));
    }

    static String hex(char c) {
        return String.valueOf(c).repeat(64);
    }

    static byte[] bytes(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    static Map<String, EvidenceVerifier.Outcome> outcomes(EvidenceVerifier.Report report) {
        Map<String, EvidenceVerifier.Outcome> m = new LinkedHashMap<>();
        report.checks().forEach(c -> m.put(c.name(), c.outcome()));
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
