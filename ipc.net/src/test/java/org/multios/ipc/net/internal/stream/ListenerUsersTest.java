package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** The users a client may talk to at absolute Unix paths are looked up once, then only compared. */
class ListenerUsersTest {

    @Test
    void usersAreLookedUpWhenMadeAndOnlyComparedAfterwards() throws IOException {
        AtomicBoolean made = new AtomicBoolean();
        UserLookup once = new UserLookup() {
            @Override
            public UserPrincipal self() throws IOException {
                assertThat(made).as("looked up after the users were made").isFalse();
                return UserLookup.SYSTEM.self();
            }

            @Override
            public UserPrincipal user(String nameOrUid) throws IOException {
                assertThat(made).as("looked up after the users were made").isFalse();
                if (nameOrUid.equals("nobody-by-that-name")) {
                    throw new UserPrincipalNotFoundException(nameOrUid);
                }
                return UserLookup.SYSTEM.user(nameOrUid);
            }
        };
        ListenerUsers users = ListenerUsers.resolve(Set.of("54321", "nobody-by-that-name"), once);
        made.set(true);

        assertThat(users.admits(UserLookup.SYSTEM.self())).as("this user").isTrue();
        assertThat(users.admits(UserLookup.SYSTEM.user("0"))).as("root").isTrue();
        assertThat(users.admits(UserLookup.SYSTEM.user("54321"))).as("a uid configured").isTrue();
        assertThat(users.admits(UserLookup.SYSTEM.user("54322"))).as("another uid").isFalse();
        assertThat(users.names()).containsExactlyInAnyOrder("54321", "nobody-by-that-name");
        assertThat(users.unresolvedNote()).contains("unix.peer.users names nobody-by-that-name, which named no user");
        assertThat(ListenerUsers.resolve(Set.of("54321"), UserLookup.SYSTEM).unresolvedNote()).isEmpty();
    }
}
