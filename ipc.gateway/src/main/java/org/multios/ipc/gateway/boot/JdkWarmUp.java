package org.multios.ipc.gateway.boot;

import java.io.ByteArrayInputStream;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.ZoneId;
import java.util.Date;
import java.util.Properties;

import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.helpers.DefaultHandler;

/**
 * Initialises, on a thread of its own, the JDK parts a gateway's start uses later on the
 * framework's start-level thread: the date format of SLF4J's simple provider (the locale's
 * calendar, number and date symbols, the time zone), the SAX parser SCR reads the component
 * descriptors with, the time-zone rules of {@code java.time} and the selector provider of the
 * network reactor. It runs while bnd's launcher installs and resolves the bundles on the main
 * thread; the JDK keeps what it initialised (classes, locale data, the zone), so the start-level
 * thread finds it ready instead of paying for it. Nothing of the gateway waits for it, and
 * nothing it makes is kept: a failure here changes nothing but the time.
 * <p>
 * Only when the launcher property {@value #SWITCH} is {@code true} (the minimal gateway sets it;
 * the full gateway and the bare Felix jar do not).
 */
final class JdkWarmUp implements Runnable {
    /** The launcher property that asks for the warm-up. */
    static final String SWITCH = "org.multios.ipc.gateway.warmup";
    private static final String DATE_FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";
    private static final String SHOW_DATE = "org.slf4j.simpleLogger.showDateTime";
    /** A component descriptor's shape: a namespaced root and an element, like SCR's input. */
    private static final byte[] DESCRIPTOR = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"warm\">"
            + "<implementation class=\"warm\"/><property name=\"p\" type=\"String\" value=\"v\"/>"
            + "</scr:component>").getBytes(StandardCharsets.UTF_8);

    private final String dateFormat;

    JdkWarmUp(String dateFormat) {
        this.dateFormat = dateFormat;
    }

    /**
     * Starts the warm-up thread when the launcher properties ask for it.
     *
     * @return the thread started, or null
     */
    static Thread startIfAsked(Properties launch) {
        if (!Boolean.parseBoolean(launch.getProperty(SWITCH))) {
            return null;
        }
        String pattern = Boolean.parseBoolean(System.getProperty(SHOW_DATE, launch.getProperty(SHOW_DATE)))
                ? System.getProperty(DATE_FORMAT, launch.getProperty(DATE_FORMAT))
                : null;
        Thread thread = new Thread(new JdkWarmUp(pattern), "ipc-gateway-jdk-warm-up");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        try {
            if (dateFormat != null) {
                new SimpleDateFormat(dateFormat).format(new Date());
            }
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.newSAXParser().parse(new ByteArrayInputStream(DESCRIPTOR), new DefaultHandler());
            ZoneId.systemDefault().getRules();
            Selector.open().close();
        } catch (Exception e) {
            // only time is lost: the start-level thread initialises what is missing itself
        }
    }
}
