package io.lethe.breach;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The report to the supervisory authority, in the order of Art. 33(3), with the Art. 33(1) timing and the Art. 34
 * decision: as JSON ({@link #json}) and as a printable HTML page ({@link #html}, template
 * {@code src/main/jte/breach/report.jte}, escaped by jte's Html content type, no script).
 */
public final class BreachReport {

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    /** The page's one parameter. */
    public record View(Breach breach, BreachClock clock, BreachNotices.Progress progress, Instant generatedAt) {

        public String decision() {
            return breach.exemptionGround() != null ? "exemption" : breach.noticesRequestedAt() != null ? "notices"
                    : "undecided";
        }

        public String groundText() {
            return groundText(breach.exemptionGround());
        }

        public static String groundText(String ground) {
            if (ground == null) {
                return "";
            }
            return switch (ground) {
                case "a" -> "Art. 34(3)(a): the data were made unintelligible to anyone not authorised (e.g. encrypted)";
                case "b" -> "Art. 34(3)(b): subsequent measures ensure the high risk is no longer likely to materialise";
                default -> "Art. 34(3)(c): individual communication would involve disproportionate effort"
                        + " (a public communication instead)";
            };
        }
    }

    private BreachReport() {
    }

    public static Map<String, Object> json(View v) {
        Breach b = v.breach();
        Breach.Details d = b.details();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("breachId", b.id());
        m.put("generatedAt", v.generatedAt().toString());
        m.put("awareAt", b.awareAt().toString());
        m.put("recordedAt", b.recordedAt().toString());
        m.put("deadline", v.clock().deadline().toString());
        m.put("authorityNotifiedAt", b.authorityNotifiedAt() == null ? null : b.authorityNotifiedAt().toString());
        m.put("authorityReference", b.authorityReference());
        m.put("notifiedLate", v.clock().notifiedLate());
        m.put("delayReason", b.delayReason());
        m.put("nature", d.nature());
        Map<String, Object> subjects = new LinkedHashMap<>();
        subjects.put("categories", d.subjectCategories());
        subjects.put("approximateNumber", d.subjectsApprox());
        subjects.put("affectedInRegister", v.progress().affected());
        m.put("subjects", subjects);
        Map<String, Object> records = new LinkedHashMap<>();
        records.put("categories", d.recordCategories());
        records.put("approximateNumber", d.recordsApprox());
        m.put("records", records);
        m.put("contact", d.contact());
        m.put("likelyConsequences", d.consequences());
        m.put("measures", d.measures());
        m.put("affectedConnectors", b.connectors());
        m.put("affectedPurposes", b.purposes());
        Map<String, Object> communication = new LinkedHashMap<>();
        communication.put("decision", v.decision());
        if (b.exemptionGround() != null) {
            communication.put("exemptionGround", "art34_3_" + b.exemptionGround());
            communication.put("exemptionReason", b.exemptionReason());
            communication.put("exemptionAt", b.exemptionAt().toString());
        }
        if (b.noticesRequestedAt() != null) {
            communication.put("noticesRequestedAt", b.noticesRequestedAt().toString());
            communication.put("noticesQueued", v.progress().queued());
            communication.put("subjectsWithoutEmail", v.progress().withoutEmail());
            communication.put("noticesFinished", v.progress().finished());
        }
        m.put("subjectCommunication", communication);
        return m;
    }

    public static String html(View v) {
        StringOutput out = new StringOutput();
        ENGINE.render("breach/report.jte", v, out);
        return out.toString();
    }
}
