package org.multios.ipc.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A socket named in the IPC root has two texts, its name and its file's path; the mechanism writes it by its name. */
class RootEndpointsTest {
    @TempDir
    Path dir;

    @Test
    void aPathRightInTheEndpointDirectoryIsWrittenAsItsName() {
        Path root = dir.resolve("ipc");
        RootEndpoints endpoints = new RootEndpoints(root);
        String folder = root.toAbsolutePath() + "/endpoint";

        assertThat(endpoints.named(Endpoint.unix(folder + "/admin"))).isEqualTo(Endpoint.unix("admin"));
        assertThat(endpoints.named(Endpoint.parse("unix://" + folder + "//./admin"))).isEqualTo(Endpoint.unix("admin"));
        assertThat(endpoints.named(Endpoint.unix("admin"))).isEqualTo(Endpoint.unix("admin"));
        for (String path : new String[] {folder + "/sub/admin", folder + "/.hidden", folder + "/a b", folder,
                root.toAbsolutePath() + "/queue/admin", "/run/admin"}) {
            assertThat(endpoints.named(Endpoint.unix(path))).as(path).isEqualTo(Endpoint.unix(path));
        }
        assertThat(endpoints.named(Endpoint.tcp(7000))).isEqualTo(Endpoint.tcp(7000));
    }

    @Test
    void aRootGivenThroughALinkedFolderOrRelativelyHasTheTextsOfItsRealFolderToo() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        RootEndpoints endpoints = new RootEndpoints(link.resolve("ipc")); // the root itself need not exist yet
        String realFolder = real.toRealPath() + "/ipc/endpoint";

        assertThat(endpoints.named(Endpoint.unix(realFolder + "/admin"))).isEqualTo(Endpoint.unix("admin"));
        assertThat(endpoints.named(Endpoint.unix(link + "/ipc/endpoint/admin"))).isEqualTo(Endpoint.unix("admin"));
        assertThat(endpoints.texts("unix:admin")).containsExactly("unix:admin", "unix:" + link + "/ipc/endpoint/admin",
                "unix:" + realFolder + "/admin");

        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("ipc"));
        assertThat(new RootEndpoints(relative).named(Endpoint.unix(dir.resolve("ipc") + "/endpoint/x")))
                .isEqualTo(Endpoint.unix("x"));
    }

    @Test
    void theTextsOfASocketAreItsNameAndItsPathsAndOfAnyOtherEndpointItsOwn() {
        Path root = dir.resolve("ipc");
        RootEndpoints endpoints = new RootEndpoints(root);
        String path = "unix:" + root.toAbsolutePath() + "/endpoint/admin";

        assertThat(endpoints.texts("unix:admin")).startsWith("unix:admin").contains(path);
        assertThat(endpoints.texts(path)).startsWith(path).contains("unix:admin");
        assertThat(endpoints.texts("unix:/run/x.sock")).containsExactly("unix:/run/x.sock");
        assertThat(endpoints.texts("tcp://127.0.0.1:7000")).containsExactly("tcp://127.0.0.1:7000");
        assertThat(endpoints.texts("tcp://db.:7000")).containsExactly("tcp://db.:7000", "tcp://db:7000");
        assertThat(endpoints.texts("unix:bad name")).containsExactly("unix:bad name");
        assertThat(endpoints.texts("telemetry")).containsExactly("telemetry");
    }
}
