package io.lethe.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packages depend one way (README, Layout): api and mail (the edges) → requests/reconcile → dispatch → connectors →
 * register/audit → notify/db. A class may use its own layer and the ones below it, never one above. The wiring
 * (config, cli, demo, Main) may use everything. Scans the source text: imports and fully qualified names alike.
 */
class LayeringTest {

    /**
     * Packages whose violations are tolerated while they are being rewritten. The connector engine's rewrite owns
     * io.lethe.connectors (it imports io.lethe.mail today: Mailer, MailFailure, Templates); empty this list then.
     */
    static final Set<String> EXEMPT_WHILE_REWRITTEN = Set.of();

    /** Higher may use lower or equal. */
    static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("config", 7), Map.entry("cli", 7), Map.entry("demo", 7), Map.entry("", 7),
            Map.entry("api", 6), Map.entry("mail", 6), Map.entry("console", 6),
            Map.entry("requests", 5), Map.entry("reconcile", 5), Map.entry("review", 5),
            Map.entry("breach", 5),
            Map.entry("evidence", 5),
            Map.entry("dispatch", 4),
            Map.entry("connectors", 3),
            Map.entry("register", 2), Map.entry("audit", 2),
            Map.entry("notify", 1), Map.entry("db", 1),
            // events for other systems: the log at the register's layer (register, dispatch and requests publish),
            // webhook delivery above dispatch (it signs with the connector engine, reads connector health)
            Map.entry("events", 2), Map.entry("webhooks", 5),
            Map.entry("retention", 5));

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.lethe\\.([a-z]+)\\.");
    private static final Path SOURCES = Path.of("src/main/java/io/lethe");

    @Test
    void no_package_uses_one_above_it() throws IOException {
        assertThat(violations(EXEMPT_WHILE_REWRITTEN)).isEmpty();
    }

    @Test
    void every_package_has_a_layer() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> packages.add(topPackage(f)));
        }
        assertThat(LAYER.keySet()).containsAll(packages);
    }

    @Test
    void the_check_sees_a_violation() {
        assertThat(violationsIn("notify", "x.java", "import io.lethe.api.ApiKeys;\n")).hasSize(1);
        assertThat(violationsIn("requests", "x.java", "var k = io.lethe.mail.Templates.withArticle(t);\n")).hasSize(1);
        assertThat(violationsIn("api", "x.java", "import io.lethe.requests.RequestService;\n")).isEmpty();
    }

    static List<String> violations(Set<String> exempt) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String from = topPackage(f);
                if (!exempt.contains(from)) {
                    out.addAll(violationsIn(from, SOURCES.relativize(f).toString(), Files.readString(f)));
                }
            }
        }
        return out;
    }

    static List<String> violationsIn(String from, String file, String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = REFERENCE.matcher(lines[i]);
            while (m.find()) {
                String to = m.group(1);
                Integer fromLayer = LAYER.get(from);
                Integer toLayer = LAYER.get(to);
                if (fromLayer != null && toLayer != null && toLayer > fromLayer) {
                    out.add(file + ":" + (i + 1) + " " + from + " -> " + to);
                }
            }
        }
        return out;
    }

    private static String topPackage(Path file) {
        Path relative = SOURCES.relativize(file);
        return relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
    }
}
