package io.lethe.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line (message and stack trace text) written while it is attached, at INFO and above for the
 * hub and the mail libraries, to check that no personal data or message content reaches the log.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private static final String[] LOGGERS = {"io.lethe", "org.apache.camel.component.mail", "org.eclipse.angus.mail"};
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("lethe-log-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        for (String name : LOGGERS) { // INFO lines too, not only the test configuration's WARN
            config.addLogger(name, new org.apache.logging.log4j.core.config.LoggerConfig(name, Level.INFO, true));
            config.getLoggerConfig(name).addAppender(capture, Level.ALL, null);
        }
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                + event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        for (String name : LOGGERS) {
            config.removeLogger(name);
        }
        context.updateLoggers();
        stop();
    }
}
