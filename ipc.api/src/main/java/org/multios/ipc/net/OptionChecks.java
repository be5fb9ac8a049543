package org.multios.ipc.net;

import java.time.Duration;

import org.multios.ipc.IpcException;

/** Checks shared by the options records. */
final class OptionChecks {
    private OptionChecks() {
    }

    static <T> T present(T value, String what) {
        if (value == null) {
            throw IpcException.invalidArgument(what + " is missing");
        }
        return value;
    }

    static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw IpcException.invalidArgument(what + " " + value + " must be at least " + min);
        }
        return value;
    }

    static Duration notNegative(Duration value, String what) {
        if (value == null) {
            throw IpcException.invalidArgument(what + " is missing");
        }
        if (value.isNegative()) {
            throw IpcException.invalidArgument(what + " " + value + " is negative");
        }
        return value;
    }

    static Duration positive(Duration value, String what) {
        notNegative(value, what);
        if (value.isZero()) {
            throw IpcException.invalidArgument(what + " must be longer than zero");
        }
        return value;
    }

    static void bufferHoldsFrame(int bufferBytes, int maxFrameSize, String object) {
        if (bufferBytes < maxFrameSize) {
            throw IpcException.invalidArgument(object + ": buffer of " + bufferBytes
                    + " bytes cannot hold a frame of the maximum size " + maxFrameSize);
        }
    }
}
