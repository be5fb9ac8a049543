package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The gateway started from another directory than its own finds {@code conf/} next to its jar,
 * or in the folder {@code -Dfelix.fileinstall.dir} names, and says where it looked when it finds
 * none.
 */
public class GatewayConfFolderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess gateway;

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private Path installedJar() throws Exception {
        Path install = tmp.newFolder("opt", "gateway").toPath();
        return Files.copy(Path.of(System.getProperty("ipc.gateway.jar")), install.resolve("gateway.jar"));
    }

    @Test(timeout = 120_000)
    public void findsConfNextToItsJarWhenStartedElsewhere() throws Exception {
        Path jar = installedJar();
        Path conf = GatewayProcess.shippedConf(jar.getParent());
        gateway = GatewayProcess.start(tmp.newFolder("elsewhere").toPath(), jar);
        gateway.awaitOutput("policy in force since");
        String out = gateway.output();
        assertTrue(out, out.contains("configuration folder " + conf));
        assertTrue("the policy comes from the folder next to the jar:\n" + out,
                out.contains("(file:" + conf.resolve("org.multios.ipc.security.cfg")));
    }

    @Test(timeout = 120_000)
    public void findsTheBuildsConfWhenStartedFromTheRepository() throws Exception {
        Path jar = installedJar();
        Path conf = GatewayProcess.shippedConf(jar.getParent().getParent());
        gateway = GatewayProcess.start(tmp.newFolder("elsewhere").toPath(), jar);
        gateway.awaitOutput("policy in force since");
        assertTrue(gateway.output(), gateway.output().contains("(file:" + conf.resolve("org.multios.ipc.security.cfg")));
    }

    @Test(timeout = 120_000)
    public void takesTheFolderAPropertyNames() throws Exception {
        Path conf = GatewayProcess.shippedConf(tmp.newFolder("etc").toPath());
        gateway = GatewayProcess.start(tmp.newFolder("elsewhere").toPath(), installedJar(),
                "-Dfelix.fileinstall.dir=" + conf);
        gateway.awaitOutput("policy in force since");
        String out = gateway.output();
        assertTrue(out, out.contains("configuration folder " + conf + " (from the property felix.fileinstall.dir)"));
        assertTrue(out, out.contains("(file:" + conf.resolve("org.multios.ipc.security.cfg")));
    }

    @Test(timeout = 120_000)
    public void saysWhereItLookedWhenThereIsNone() throws Exception {
        Path jar = installedJar();
        Path elsewhere = tmp.newFolder("elsewhere").toPath();
        gateway = GatewayProcess.start(elsewhere, jar);
        gateway.awaitOutput("no configuration folder: looked in [" + elsewhere.resolve("conf") + ", "
                + jar.resolveSibling("conf") + ", " + jar.getParent().resolveSibling("conf") + "]");
    }
}
