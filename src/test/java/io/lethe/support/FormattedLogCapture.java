package io.lethe.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line the hub writes while open, formatted by the console appender's own layout (the pattern of
 * {@code log4j2.properties}), exactly as an operator's log would hold it.
 */
public final class FormattedLogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Configuration configuration;

    public FormattedLogCapture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        configuration = context.getConfiguration();
        Appender console = configuration.getAppender("console");
        Layout<?> layout = console.getLayout();
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new String(layout.toByteArray(event), java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        appender.start();
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    /** The formatted output so far; each element is one event and may span several lines. */
    public List<String> events() {
        return List.copyOf(lines);
    }

    /** All of it as one text, as it would stand in the log. */
    public String text() {
        return String.join("", lines);
    }

    @Override
    public void close() {
        configuration.getRootLogger().removeAppender(appender.getName());
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
        appender.stop();
    }
}
