package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The configuration files the gateway ships invite the operator to uncomment their example lines:
 * each such line, uncommented alone in the file as shipped, gives a configuration the gateway
 * accepts and puts in force. A gateway starts on the shipped files with the first example of a
 * file uncommented; every further example is then uncommented in its place (the previous one
 * commented again) while the gateway runs, as an operator edits the file, and its setting is
 * checked at the console: {@code ipc:rules} for the security policy, {@code ipc:limits} for the
 * limits.
 */
public class ShippedConfigurationTest {
    private static final Pattern EXAMPLE = Pattern.compile("^#\\s?([a-z][a-z0-9.]*)=(.*)$");
    private static final String SECURITY = "org.multios.ipc.security.cfg";
    private static final String LIMITS = "org.multios.ipc.limits.cfg";

    /** What {@code ipc:rules} shows once each example of the security file is in force. */
    private static final Map<String, List<String>> SECURITY_SHOWS = Map.of(
            "default.groups", List.of(":ipc,audio;"),
            "bundle.identities", List.of("2 bundle identities"),
            "rules", List.of("2 rule(s)", "allow group:sensors rw queue:telemetry.*",
                    "deny bundle:file:/opt/ipc/untrusted/* * *:*"),
            "admins", List.of("platform admins: [group:ipcadmin, user:ops]"),
            "quota.queued.messages", List.of("QUEUED_MESSAGES=4096"),
            "quota.signal.handlers", List.of("SIGNAL_HANDLERS=16"),
            "peer.tokens", List.of("1 peer token(s)"),
            "operator.identities", List.of("2 operator identities"),
            "remote.groups", List.of("token-less TCP peers as nobody:guests"));

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess gateway;

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test(timeout = 300_000)
    public void everyExampleOfTheSecurityFileTakesEffect() throws Exception {
        Map<String, String> examples = examples(SECURITY);
        assertEquals("every example of " + SECURITY + " has a check here", SECURITY_SHOWS.keySet(), examples.keySet());
        for (Map.Entry<String, Integer> e : lineNumbers(SECURITY).entrySet()) {
            String key = e.getKey();
            runWith(SECURITY, e.getValue(), "ipc:rules",
                    SECURITY_SHOWS.get(key).stream().map(Pattern::quote).toList());
        }
    }

    @Test(timeout = 300_000)
    public void everyExampleOfTheLimitsFileTakesEffect() throws Exception {
        Map<String, String> examples = examples(LIMITS);
        assertFalse("the limits file has examples", examples.isEmpty());
        for (Map.Entry<String, Integer> e : lineNumbers(LIMITS).entrySet()) {
            String key = e.getKey();
            Matcher value = Pattern.compile("^L\"(\\d+)\"$").matcher(examples.get(key));
            assertTrue(key + " is a typed whole number: " + examples.get(key), value.matches());
            runWith(LIMITS, e.getValue(), "ipc:limits",
                    List.of("(?m)^" + Pattern.quote(key) + " +" + value.group(1) + "\\s*$", "policy in force"));
        }
    }

    /**
     * Writes the shipped file with one line uncommented, starting the gateway on it the first
     * time, and waits until the command's output shows every pattern and no refusal.
     */
    private void runWith(String file, int line, String command, List<String> patterns) throws Exception {
        Path conf;
        if (gateway == null) {
            conf = GatewayProcess.shippedConf(tmp.newFolder("gateway").toPath());
        } else {
            conf = gateway.dir.resolve("conf");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(GatewayProcess.shippedConfDir().resolve(file)));
        Matcher m = EXAMPLE.matcher(lines.get(line));
        assertTrue(m.matches());
        String uncommented = m.group(1) + "=" + m.group(2);
        lines.set(line, uncommented);
        int offset = gateway == null ? 0 : gateway.output().length();
        Path written = Files.write(conf.resolve(file + ".tmp"), lines);
        Files.move(written, conf.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (gateway == null) {
            gateway = GatewayProcess.start(conf.getParent());
            gateway.awaitOutput("policy change: policy in force");
            offset = gateway.output().indexOf("policy change: policy in force");
        }
        List<Pattern> expected = new ArrayList<>(patterns.stream().map(Pattern::compile).toList());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            gateway.command("ipc:rules");
            gateway.command(command);
            Thread.sleep(500);
            String since = gateway.output().substring(offset);
            assertFalse("'" + uncommented + "' in " + file + " is accepted:\n" + since,
                    since.contains("NO POLICY IN FORCE"));
            if (expected.stream().allMatch(p -> p.matcher(since).find())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + uncommented + "' in " + file + " is not in force: no " + expected
                        + " in:\n" + since);
            }
        }
    }

    /** The example lines of a shipped file: key and value. */
    private static Map<String, String> examples(String file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GatewayProcess.shippedConfDir().resolve(file))) {
            Matcher m = EXAMPLE.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    /** The example lines of a shipped file: key and line number (from 0). */
    private static Map<String, Integer> lineNumbers(String file) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(GatewayProcess.shippedConfDir().resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXAMPLE.matcher(lines.get(i));
            if (m.matches()) {
                out.put(m.group(1), i);
            }
        }
        return out;
    }
}
