package org.multios.ipc;

import java.util.Objects;


/**
 * Owner, group and mode of an IPC object, with POSIX meaning: the mode's owner, group and
 * other triplets grant read ({@code 4}) and write ({@code 2}); the execute bit is not used.
 * The owner always holds {@link Rights#ADMIN}. For named objects these are also the file's
 * owner, group and mode under the IPC root, so the operating system enforces them for other
 * processes. Immutable.
 */
public final class Permissions {
    /** The largest valid mode. */
    public static final int MAX_MODE = 0777;

    private final String owner;
    private final String group;
    private final int mode;

    /**
     * @throws IpcException INVALID_ARGUMENT if the mode is outside 0..0777 or owner or group is empty
     */
    public Permissions(String owner, String group, int mode) {
        if (owner == null || owner.isEmpty()) {
            throw IpcException.invalidArgument("owner must not be empty");
        }
        if (group == null || group.isEmpty()) {
            throw IpcException.invalidArgument("group must not be empty");
        }
        if (mode < 0 || mode > MAX_MODE) {
            throw IpcException.invalidArgument("mode " + Integer.toOctalString(mode) + " is outside 0..0777");
        }
        this.owner = owner;
        this.group = group;
        this.mode = mode;
    }

    /** Permissions owned by the process's user and primary group with the given mode. */
    public static Permissions of(IpcProcess owner, int mode) {
        String group = owner.groups().isEmpty() ? owner.user() : owner.groups().iterator().next();
        return new Permissions(owner.user(), group, mode);
    }

    /** The owning user. */
    public String owner() {
        return owner;
    }

    /** The owning group. */
    public String group() {
        return group;
    }

    /** The mode bits, 0..0777. */
    public int mode() {
        return mode;
    }

    /** A copy with another mode. */
    public Permissions withMode(int newMode) {
        return new Permissions(owner, group, newMode);
    }

    /** A copy with another owner and group. */
    public Permissions withOwner(String newOwner, String newGroup) {
        return new Permissions(newOwner, newGroup, mode);
    }

    /**
     * The rights these permissions give a process, by POSIX rules: the owner triplet if the
     * process's user is the owner (plus {@link Rights#ADMIN}), else the group triplet if it is in
     * the group, else the other triplet.
     */
    public int rightsOf(IpcProcess process) {
        int triplet;
        int rights = Rights.NONE;
        if (process.user().equals(owner)) {
            triplet = (mode >> 6) & 7;
            rights = Rights.ADMIN;
        } else if (process.inGroup(group)) {
            triplet = (mode >> 3) & 7;
        } else {
            triplet = mode & 7;
        }
        if ((triplet & 4) != 0) {
            rights |= Rights.READ;
        }
        if ((triplet & 2) != 0) {
            rights |= Rights.WRITE;
        }
        return rights;
    }

    /** The mode as in {@code ls -l}: {@code rw-rw----}. */
    public String modeString() {
        char[] s = "rwxrwxrwx".toCharArray();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) == 0) {
                s[i] = '-';
            }
        }
        return new String(s);
    }

    /**
     * Parses an octal mode such as {@code 660} or {@code 0640}.
     *
     * @throws IpcException INVALID_ARGUMENT if the text is not an octal number in 0..0777
     */
    public static int parseMode(String octal) {
        // ASCII octal digits only: Integer.parseInt would also take a sign and non-ASCII digits
        if (octal != null && !octal.isEmpty() && octal.length() <= 20
                && octal.chars().allMatch(c -> c >= '0' && c <= '7')) {
            long mode = Long.parseLong(octal, 8); // 20 octal digits fit in 60 bits
            if (mode <= MAX_MODE) {
                return (int) mode;
            }
        }
        throw IpcException.invalidArgument("mode '" + octal + "' is not an octal number in 0..777");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Permissions p && p.owner.equals(owner) && p.group.equals(group) && p.mode == mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, group, mode);
    }

    @Override
    public String toString() {
        return modeString() + " " + owner + ":" + group;
    }
}
