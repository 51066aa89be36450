package io.lethe.logging;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.slf4j.LoggerFactory;
import io.lethe.support.FormattedLogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** One log event is one line, whatever a caller or a vendor managed to put into its message or exception. */
class LogPatternTest {

    private static final String FORGED = "vendor said: ERR\r\n2026-12-01T10:00:00,000 INFO  [main] Dispatcher - all"
            + " good \u001b[2J\u001b[31mann.marketing-contact@example-subsidiary.com\u0007\u0000";

    @ParameterizedTest
    @ValueSource(strings = {"/log4j2.properties", "/log4j2-test.properties"})
    void forged_line_breaks_and_control_characters_are_encoded(String config) throws Exception {
        PatternLayout layout = PatternLayout.newBuilder().withPattern(pattern(config)).build();

        String message = format(layout, event(new SimpleMessage(FORGED), null));
        String withException = format(layout, event(new SimpleMessage("call failed"),
                new IllegalArgumentException(FORGED)));

        for (String line : new String[] {message, withException}) {
            assertThat(line).endsWith(System.lineSeparator());
            String body = line.substring(0, line.length() - System.lineSeparator().length());
            assertThat(body).doesNotContain("\r", "\n").doesNotContainPattern("[\\p{Cntrl}&&[^\\t]]");
        }
        assertThat(message).contains("ERR\\r\\n2026-12-01T10:00:00,000 INFO");
        assertThat(withException).contains("call failed java.lang.IllegalArgumentException", "ERR\\r\\n2026", "\\n\tat ");
    }

    @Test
    void the_running_configuration_writes_an_exception_on_the_same_line() {
        try (FormattedLogCapture log = new FormattedLogCapture()) {
            LoggerFactory.getLogger("io.lethe.logging.probe").warn("probe failed", new IllegalStateException(FORGED));
            String line = log.events().stream().filter(e -> e.contains("probe failed")).findFirst().orElseThrow();
            String body = line.substring(0, line.length() - System.lineSeparator().length());
            assertThat(body).contains("IllegalStateException", "ERR\\r\\n2026").doesNotContain("\r", "\n")
                    .doesNotContainPattern("[\\p{Cntrl}&&[^\\t]]");
        }
    }

    private static String format(PatternLayout layout, LogEvent event) {
        return new String(layout.toByteArray(event), StandardCharsets.UTF_8);
    }

    private static LogEvent event(SimpleMessage message, Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLoggerName("io.lethe.dispatch.Dispatcher").setLevel(Level.WARN)
                .setMessage(message).setThrown(thrown).build();
    }

    private static String pattern(String resource) throws Exception {
        Properties p = new Properties();
        try (InputStream in = LogPatternTest.class.getResourceAsStream(resource)) {
            p.load(in);
        }
        return p.getProperty("appender.console.layout.pattern");
    }
}
