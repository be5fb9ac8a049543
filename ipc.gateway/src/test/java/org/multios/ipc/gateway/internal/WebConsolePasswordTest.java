package org.multios.ipc.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Web Console password: made once, mode 0600, read back on later starts; which of
 * the two happened decides the level of the line that says where it is (WARN when generated).
 */
class WebConsolePasswordTest {
    @TempDir
    Path conf;

    @Test
    void theFirstStartGeneratesTheFileAndLaterStartsReadIt() throws IOException {
        Path file = conf.resolve(WebConsolePassword.FILE);

        WebConsolePassword.Stored first = WebConsolePassword.readOrCreate(file);
        WebConsolePassword.Stored second = WebConsolePassword.readOrCreate(file);

        assertTrue(first.generated());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(second.generated());
        assertEquals(first.password(), second.password());
    }

    @Test
    void aFileOthersMayReadIsReplacedByANewlyGeneratedOne() throws IOException {
        Path file = conf.resolve(WebConsolePassword.FILE);
        Files.writeString(file, "known\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        WebConsolePassword.Stored replaced = WebConsolePassword.readOrCreate(file);

        assertTrue(replaced.generated());
        assertNotEquals("known", replaced.password());
    }
}
