package org.multios.ipc.gateway.boot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JdkWarmUpTest {
    @Test
    void startsNothingUnlessTheLauncherPropertiesAsk() {
        assertNull(JdkWarmUp.startIfAsked(new Properties()));
        Properties off = new Properties();
        off.setProperty(JdkWarmUp.SWITCH, "false");
        assertNull(JdkWarmUp.startIfAsked(off));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void runsOnANamedDaemonThreadThatEnds() throws InterruptedException {
        Properties on = new Properties();
        on.setProperty(JdkWarmUp.SWITCH, "true");
        on.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        on.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        Thread thread = JdkWarmUp.startIfAsked(on);
        assertNotNull(thread);
        assertTrue(thread.isDaemon());
        assertEquals("ipc-gateway-jdk-warm-up", thread.getName());
        thread.join();
        assertFalse(thread.isAlive());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anUnusableDateFormatChangesNothingButTime() {
        // 'n' is no pattern letter: SimpleDateFormat refuses the pattern
        assertDoesNotThrow(() -> new JdkWarmUp("not a pattern").run());
    }
}
