package org.multios.ipc.gateway.internal;

import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sends java.util.logging through SLF4J while the gateway runs, so that every line it prints
 * has one format and one switch ({@code org.slf4j.simpleLogger.*}). The JUL root logger's handlers
 * are replaced by one that hands each record to the SLF4J logger of the same name, and its level
 * follows SLF4J's root level (so JUL does not make records SLF4J would drop); both are put back
 * when the bundle stops.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true)
public final class JulBridge {
    private final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    private final List<Handler> replaced;
    private final java.util.logging.Level replacedLevel;
    private final Handler bridge = new ToSlf4j();

    /** Installs the bridge. */
    @Activate
    public JulBridge() {
        replaced = List.of(root.getHandlers());
        replacedLevel = root.getLevel();
        replaced.forEach(root::removeHandler);
        root.addHandler(bridge);
        root.setLevel(julLevel(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)));
    }

    /** The JUL level below which SLF4J's logger drops everything. */
    static java.util.logging.Level julLevel(Logger slf4j) {
        if (slf4j.isTraceEnabled()) {
            return java.util.logging.Level.ALL;
        }
        if (slf4j.isDebugEnabled()) {
            return java.util.logging.Level.FINE;
        }
        return slf4j.isInfoEnabled() ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING;
    }

    /** The SLF4J level of a JUL level: SEVERE error, WARNING warn, INFO info, CONFIG and FINE debug, finer trace. */
    static Level slf4jLevel(java.util.logging.Level level) {
        int v = level.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return Level.ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return Level.WARN;
        }
        if (v >= java.util.logging.Level.INFO.intValue()) {
            return Level.INFO;
        }
        return v >= java.util.logging.Level.FINE.intValue() ? Level.DEBUG : Level.TRACE;
    }

    @Deactivate
    void deactivate() {
        root.removeHandler(bridge);
        replaced.forEach(root::addHandler);
        root.setLevel(replacedLevel);
    }

    /** Hands each record to the SLF4J logger named like the JUL logger. */
    private static final class ToSlf4j extends Handler {
        private final Formatter messages = new Formatter() {
            @Override
            public String format(LogRecord record) {
                return formatMessage(record);
            }
        };

        @Override
        public void publish(LogRecord record) {
            String name = record.getLoggerName() == null ? "jul" : record.getLoggerName();
            Logger logger = LoggerFactory.getLogger(name);
            Level level = slf4jLevel(record.getLevel());
            if (logger.isEnabledForLevel(level)) {
                logger.atLevel(level).setCause(record.getThrown()).log(messages.format(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
