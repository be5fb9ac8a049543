package org.multios.ipc.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group gives nothing to other users only if none is in it, by membership or as primary group. */
class PrivateGroupsTest {
    @TempDir
    Path tmp;

    private boolean privateGroup(String group, String owner, String groups, String users) throws IOException {
        return PrivateGroups.isPrivateGroupOf(group, owner, Files.writeString(tmp.resolve("group"), groups),
                Files.writeString(tmp.resolve("passwd"), users));
    }

    private static final String USERS = "root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000::/home/ann:/bin/sh\n"
            + "bob:x:1001:1001::/home/bob:/bin/sh\n";

    @Test
    void aGroupOfItsOwnerAloneIsPrivate() throws IOException {
        assertTrue(privateGroup("ann", "ann", "root:x:0:\nann:x:1000:\nbob:x:1001:\n", USERS));
        assertTrue(privateGroup("ann", "ann", "ann:x:1000:ann\n", USERS));
    }

    @Test
    void aGroupWithAnotherMemberIsNot() throws IOException {
        assertFalse(privateGroup("ann", "ann", "ann:x:1000:ann,bob\n", USERS));
        assertFalse(privateGroup("ann", "ann", "ann:x:1000:bob\n", USERS));
    }

    @Test
    void aGroupAnotherUserHasAsPrimaryGroupIsNot() throws IOException {
        assertFalse(privateGroup("ann", "ann", "ann:x:1000:\n",
                USERS + "carl:x:1002:1000::/home/carl:/bin/sh\n"));
    }

    @Test
    void aGroupNamedOtherwiseUnknownOrNamedTwiceIsNot() throws IOException {
        assertFalse(PrivateGroups.isPrivateGroupOf("staff", "ann"));
        assertFalse(privateGroup("ann", "ann", "root:x:0:\n", USERS));
        assertFalse(privateGroup("ann", "ann", "ann:x:1000:\nann:x:1001:\n", USERS));
        assertFalse(PrivateGroups.isPrivateGroupOf("ann", "ann", tmp.resolve("none"), tmp.resolve("none")));
    }
}
