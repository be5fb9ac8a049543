package org.multios.ipc.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;

/**
 * Identities of processes on this machine, as the operating system sees them: pid, start
 * time, user and primary group. On Linux the user and group are read from the owner of
 * {@code /proc/self}, which is the effective uid and gid; elsewhere from {@code user.name}.
 * Whether a process is alive is not asked here: see ProcessLiveness in ipc.core
 * ({@code org.multios.ipc.core.mapped}), the one place of that rule.
 */
public final class LocalIdentity {
    private LocalIdentity() {
    }

    /** This JVM as an OS process. */
    public static IpcProcess currentProcess() {
        ProcessHandle self = ProcessHandle.current();
        String command = self.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("java");
        return new IpcProcess(ProcessKind.OS_PROCESS, self.pid(), command, self.pid(), startTimeMillis(self),
                user(), Set.of(primaryGroup()));
    }

    /** A bundle of this JVM acting as the given user and groups. */
    public static IpcProcess bundle(long bundleId, String symbolicName, String user, Set<String> groups) {
        ProcessHandle self = ProcessHandle.current();
        return new IpcProcess(ProcessKind.BUNDLE, bundleId, symbolicName, self.pid(), startTimeMillis(self), user,
                groups);
    }

    /** The OS user of this JVM. */
    public static String user() {
        return procSelf().map(a -> a.owner().getName()).orElseGet(() -> System.getProperty("user.name", "nobody"));
    }

    /** The primary OS group of this JVM, or the user name where groups cannot be read. */
    public static String primaryGroup() {
        return procSelf().map(a -> a.group().getName()).orElseGet(LocalIdentity::user);
    }

    /** The primary group alone, as the default groups of a bundle. */
    public static Set<String> defaultGroups() {
        Set<String> groups = new LinkedHashSet<>();
        groups.add(primaryGroup());
        return groups;
    }

    private static long startTimeMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static Optional<PosixFileAttributes> procSelf() {
        Path self = Path.of("/proc/self");
        try {
            return Files.isDirectory(self)
                    ? Optional.of(Files.readAttributes(self, PosixFileAttributes.class))
                    : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
