package org.multios.ipc.console.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * {@code ipc:ipc}: every command of scope {@code ipc} installed (this bundle's and others', such
 * as ipc.mqtt's), each form with its parameters and description, read from the commands' own
 * {@link Descriptor}s. It also makes {@code help ipc} answer: Gogo's help looks a command up by
 * its name, and prints this one's description, {@link #OVERVIEW}.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = IpcHelp.class, property = { "osgi.command.scope=ipc", "osgi.command.function=ipc" })
public final class IpcHelp {
    /** What {@code help ipc} prints: the console's commands by topic. */
    static final String OVERVIEW = "the IPC commands; type ipc for each form with its parameters and description,"
            + " help ipc:<command> for one\n"
            + "   look:     objects, object, processes, limits, top, rules, examples, example\n"
            + "   manage:   unlink, chmod, chown, revoke, gc\n"
            + "   shm:      shmcreate, shmwrite, shmread\n"
            + "   sync:     semcreate, semacquire, semrelease (old names semwait, sempost), mutexcreate,\n"
            + "             eventcreate, eventsignal, eventwait, signal\n"
            + "   messages: queuecreate, send, receive, channelcreate, channelsend, channelreceive,\n"
            + "             fifocreate, remotesend, remotereceive, mqtt\n"
            + "   measure:  bench";

    private static final String SCOPE_FILTER = "(osgi.command.scope=ipc)";

    private final BundleContext context;

    @Activate
    public IpcHelp(BundleContext context) {
        this.context = context;
    }

    @Descriptor(OVERVIEW)
    public String ipc() throws InvalidSyntaxException {
        TreeMap<String, List<String>> forms = new TreeMap<>();
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, SCOPE_FILTER);
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object service = context.getService(ref);
            if (service == null) {
                continue;
            }
            try {
                for (String function : functions(ref.getProperty("osgi.command.function"))) {
                    forms.computeIfAbsent(function, f -> new ArrayList<>()).addAll(forms(service.getClass(), function));
                }
            } finally {
                context.ungetService(ref);
            }
        }
        StringBuilder out = new StringBuilder();
        forms.values().forEach(lines -> lines.stream().sorted().forEach(l -> out.append(l).append('\n')));
        return out.toString();
    }

    private static List<String> functions(Object property) {
        if (property instanceof String[] many) {
            return List.of(many);
        }
        return property == null ? List.of() : List.of(property.toString());
    }

    /** Each public method of that name, as {@code ipc:name <parameter> ... - description}. */
    static List<String> forms(Class<?> type, String function) {
        List<String> lines = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(function) || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            StringBuilder line = new StringBuilder("ipc:").append(function);
            var annotations = m.getParameterAnnotations();
            for (int i = 0; i < annotations.length; i++) {
                if (m.getParameterTypes()[i] == CommandSession.class) {
                    continue;
                }
                String name = m.getParameterTypes()[i].getSimpleName();
                for (var a : annotations[i]) {
                    if (a instanceof Descriptor d) {
                        name = d.value();
                    }
                }
                line.append(" <").append(name).append('>');
            }
            Descriptor d = m.getAnnotation(Descriptor.class);
            String description = d == null ? "" : d.value();
            if (description.equals(OVERVIEW)) {
                description = "lists the IPC commands with their descriptions";
            }
            lines.add(line.append(" - ").append(description).toString());
        }
        return lines;
    }
}
