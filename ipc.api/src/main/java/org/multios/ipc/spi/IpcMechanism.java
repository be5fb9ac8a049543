package org.multios.ipc.spi;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type for {@link MechanismProvider} services: the service property
 * {@value #KEY} names the mechanism. ipc.security hides every service that has it and publishes
 * the guarded API service in its place.
 *
 * <pre>{@code
 * @Component(service = MechanismProvider.class)
 * @IpcMechanism("queue")
 * public class QueueMechanism implements MechanismProvider<MessageQueueService> { ... }
 * }</pre>
 */
@ComponentPropertyType
@Retention(CLASS)
@Target(TYPE)
public @interface IpcMechanism {
    /** The service property that names the mechanism. */
    String KEY = "ipc.mechanism";

    /** The mechanism's name: channel, queue, pipe, shm, sync, event, signal or net. */
    String value();
}
