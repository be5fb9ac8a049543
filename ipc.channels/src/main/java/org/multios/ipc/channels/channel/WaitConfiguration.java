package org.multios.ipc.channels.channel;

import org.multios.ipc.WaitStrategy;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The platform default {@link WaitStrategy} (PID {@value PlatformConfiguration#WAIT_PID}) as the
 * configuration editors show it. Every mechanism with waits (queues, channels, pipes, sync) reads
 * the same PID; objects created without a strategy of their own get it, and keep it in their file.
 */
@ObjectClassDefinition(pid = PlatformConfiguration.WAIT_PID, name = "MultiOS IPC wait strategy",
        description = "How waits on queues, channels, pipes and sync objects created without a strategy of their"
                + " own spend the time before they sleep in the kernel.")
@interface WaitConfiguration {
    @AttributeDefinition(name = "Strategy", description = "block: sleep at once; spin: never sleep (a core per"
            + " waiter); backoff: spin, yield, park, then sleep; adaptive: spin the budget, then sleep.",
            options = { @Option(value = "adaptive"), @Option(value = "backoff"), @Option(value = "block"),
                    @Option(value = "spin") })
    String wait_strategy() default "adaptive";

    @AttributeDefinition(name = "Budget (µs)", description = "Microseconds backoff and adaptive spend before"
            + " they sleep in the kernel, 0 to 1000000.", min = "0", max = "1000000")
    int wait_spin_micros() default WaitStrategy.DEFAULT_ADAPTIVE_MICROS;
}
