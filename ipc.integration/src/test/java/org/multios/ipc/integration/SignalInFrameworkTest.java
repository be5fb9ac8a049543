package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.signal.Disposition;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalOrigin;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Signals between bundles in a running framework: the SignalService of ipc.sync, got by the
 * probe and by the fixture bundle, delivers a signal sent by one bundle, with its value and
 * sender, to the handler the other registered; a terminating signal sent to a bundle that
 * handles it not stops that bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class SignalInFrameworkTest extends SyncBundleTestSupport {

    @Test(timeout = 120_000)
    public void aSignalFromTheFixtureBundleReachesTheProbesHandlerWithValueAndSender() throws Exception {
        SignalService mine = service(context, SignalService.class);
        SignalService theirs = service(fixtureContext(), SignalService.class);
        assertNotSame("each bundle has its own signal service", mine, theirs);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);

        BlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        BlockingQueue<String> handlerThreads = new LinkedBlockingQueue<>();
        SignalRegistration registration = keep(mine.register(Signal.USR1, info -> {
            handlerThreads.add(Thread.currentThread().getName());
            received.add(info);
        }));
        assertEquals(Signal.USR1, registration.signal());
        assertEquals(Disposition.HANDLED, mine.disposition(Signal.USR1));
        assertEquals("the fixture bundle handles nothing", Disposition.DEFAULT, theirs.disposition(Signal.USR1));

        IpcRuntime runtime = runtime();
        IpcProcess probe = runtime.currentProcess();
        assertEquals(context.getBundle().getBundleId(), probe.id());
        assertEquals("the runtime lists the probe as it sees itself", probe, processOf(runtime, context.getBundle()));
        IpcProcess fixtureProcess = processOf(runtime, fixture);

        theirs.send(probe, Signal.USR1, 4711);
        SignalInfo first = received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("the handler was called", first);
        assertEquals(Signal.USR1, first.signal());
        assertEquals(4711, first.value());
        assertEquals(SignalOrigin.IPC, first.origin());
        IpcProcess sender = first.sender().orElseThrow();
        assertEquals("the sender is the fixture bundle", fixture.getBundleId(), sender.id());
        assertEquals(ProcessKind.BUNDLE, sender.kind());
        assertEquals(fixtureProcess, sender);
        String handlerThread = handlerThreads.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(handlerThread);
        assertFalse("the handler does not run on the sender's thread", handlerThread.equals(Thread.currentThread().getName()));

        theirs.send(ProcessKind.BUNDLE, probe.id(), Signal.USR1, -5);
        SignalInfo second = received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("the handler was called again", second);
        assertEquals(-5, second.value());
        assertEquals(fixtureProcess, second.sender().orElseThrow());
        assertTrue("the registration is listed: " + runtime.objects(ObjectType.SIGNAL),
                runtime.objects(ObjectType.SIGNAL).stream().anyMatch(i -> i.id() == registration.id()));

        registration.close();
        assertEquals(Disposition.DEFAULT, mine.disposition(Signal.USR1));
        assertEquals("the probe is still active", Bundle.ACTIVE, context.getBundle().getState());
    }

    @Test(timeout = 120_000)
    public void termToABundleWithoutAHandlerStopsItAndAHandlerKeepsItRunning() throws Exception {
        SignalService mine = service(context, SignalService.class);
        SignalService theirs = service(fixtureContext(), SignalService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        assertEquals("the fixture bundle handles no TERM", Disposition.DEFAULT, theirs.disposition(Signal.TERM));
        IpcRuntime runtime = runtime();
        IpcProcess target = processOf(runtime, fixture);

        mine.send(target, Signal.TERM);
        await("the fixture bundle is stopped by TERM", () -> fixture.getState() == Bundle.RESOLVED);
        assertEquals("the sender keeps running", Bundle.ACTIVE, context.getBundle().getState());
        assertEquals(Bundle.ACTIVE, installed(SYNC_BUNDLE).getState());
        await("the stopped bundle is no longer an IPC process",
                () -> runtime.processes().stream().noneMatch(p -> p.id() == fixture.getBundleId()));
        expectError(IpcError.NOT_FOUND, "signal a stopped bundle", () -> mine.send(target, Signal.USR1));

        fixture.start();
        assertEquals(Bundle.ACTIVE, fixture.getState());
        SignalService again = service(fixture.getBundleContext(), SignalService.class);
        BlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        keep(again.register(Signal.TERM, received::add));
        IpcProcess restarted = processOf(runtime, fixture);
        mine.send(restarted, Signal.TERM, 15);
        SignalInfo handled = received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("the fixture bundle's TERM handler was called", handled);
        assertEquals(15, handled.value());
        assertEquals(context.getBundle().getBundleId(), handled.sender().orElseThrow().id());
        assertEquals("a handled TERM does not stop the bundle", Bundle.ACTIVE, fixture.getState());
    }
}
