package org.multios.ipc.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a group is a user's private group, one that gives no other user anything: named as the
 * user, no other user listed as its member in {@code /etc/group}, and no other user of
 * {@code /etc/passwd} with it as primary group. Anything that cannot be read or does not fit
 * counts as shared (users known only to a directory service are not seen: such a group is shared).
 */
final class PrivateGroups {
    private static final Path GROUPS = Path.of("/etc/group");
    private static final Path USERS = Path.of("/etc/passwd");

    private PrivateGroups() {
    }

    /** Whether {@code group} is the private group of the user {@code owner}. */
    static boolean isPrivateGroupOf(String group, String owner) {
        return group.equals(owner) && isPrivateGroupOf(group, owner, GROUPS, USERS);
    }

    static boolean isPrivateGroupOf(String group, String owner, Path groups, Path users) {
        try {
            String gid = null;
            for (String line : lines(groups)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(group)) {
                    if (gid != null) {
                        return false; // named twice: not one group
                    }
                    gid = f[2];
                    if (!f[3].isEmpty() && Arrays.stream(f[3].split(",")).anyMatch(m -> !m.equals(owner))) {
                        return false;
                    }
                }
            }
            if (gid == null) {
                return false;
            }
            for (String line : lines(users)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[3].equals(gid) && !f[0].equals(owner)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
