package org.multios.ipc.examples;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;

/**
 * Signal handling (the original {@code example_signal_handling}): this process registers
 * handlers, sends itself a signal with a value, and sees the handler called on a delivery
 * thread. Then it blocks two signals: a standard one sent twice stays pending once (standard
 * signals coalesce), a real-time one sent three times stays pending three times, each with its
 * value, and everything pending is delivered on unblock.
 */
public final class SignalExample implements Example {
    private static final Signal RELOAD = Signal.USR1;
    private static final Signal STATUS = Signal.USR2;
    private static final Signal JOB = Signal.RTMIN;

    @Override
    public String name() {
        return "signal";
    }

    @Override
    public String describe() {
        return "handlers, a signal sent to this process, blocked signals coalescing or queueing";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        SignalService signals = services.signals();
        IpcProcess self = services.runtime().currentProcess();
        BlockingQueue<SignalInfo> delivered = new LinkedBlockingQueue<>();
        // A handler runs on a platform thread, never on the sender's: hand the work over.
        try (SignalRegistration reload = signals.register(RELOAD, delivered::add);
                SignalRegistration status = signals.register(STATUS, delivered::add);
                SignalRegistration job = signals.register(JOB, delivered::add)) {
            out.println("registered handlers for " + RELOAD + ", " + STATUS + " and " + JOB + " in " + self);

            signals.send(self, RELOAD, 42);
            SignalInfo info = next(delivered);
            out.println("handler got " + info.signal() + " with value " + info.value() + " from "
                    + info.sender().map(IpcProcess::toString).orElse("the OS"));

            signals.block(Set.of(STATUS, JOB));
            signals.send(self, STATUS, 1);
            signals.send(self, STATUS, 2); // coalesces with the first
            for (int value = 10; value <= 30; value += 10) {
                signals.send(self, JOB, value); // real-time: each one queues
            }
            out.println("blocked " + STATUS + " and " + JOB + "; pending: " + describe(signals.pending()));

            signals.unblock(Set.of(STATUS, JOB));
            for (int i = 0; i < 4; i++) {
                SignalInfo d = next(delivered);
                out.println("after unblock, handler got " + d.signal() + " with value " + d.value());
            }
        }
    }

    private static SignalInfo next(BlockingQueue<SignalInfo> delivered) throws InterruptedException {
        SignalInfo info = delivered.poll(10, TimeUnit.SECONDS);
        if (info == null) {
            throw new IpcException(IpcError.TIMEOUT, "no signal delivered within 10 s");
        }
        return info;
    }

    private static String describe(List<SignalInfo> pending) {
        StringBuilder s = new StringBuilder();
        for (SignalInfo p : pending) {
            s.append(s.length() == 0 ? "" : ", ").append(p.signal()).append('=').append(p.value());
        }
        return s.toString();
    }
}
