package org.multios.ipc.console.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.multios.ipc.IpcException;
import org.multios.ipc.console.history.ObjectHistory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ipc:top}: the busiest objects of the last sampling interval ({@link ObjectHistory}),
 * messages per second first. Each run shows the newest interval; the first run after a quiet
 * spell waits for one to complete.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = TopCommand.class, property = { "osgi.command.scope=ipc", "osgi.command.function=top" })
public final class TopCommand {
    static final int DEFAULT_ROWS = 10;
    static final int MAX_ROWS = 1000;

    private final ObjectHistory history;

    @Activate
    public TopCommand(@Reference ObjectHistory history) {
        this.history = history;
    }

    @Descriptor("shows the 10 busiest objects of the last interval")
    public String top() throws InterruptedException {
        return top(DEFAULT_ROWS);
    }

    @Descriptor("shows the busiest objects of the last interval")
    public String top(@Descriptor("how many, 1.." + MAX_ROWS) int rows) throws InterruptedException {
        if (rows < 1 || rows > MAX_ROWS) {
            throw IpcException.invalidArgument("ipc:top shows 1.." + MAX_ROWS + " objects, not " + rows);
        }
        List<ObjectHistory.Rate> busiest = history.busiest(rows);
        String title = "busiest objects, last " + ObjectHistory.INTERVAL_MILLIS / 1000 + " s (run again to refresh)\n";
        if (busiest.isEmpty()) {
            return title + "no object sent or received anything\n";
        }
        Table t = new Table(new String[] { "TYPE", "NAME", "MSG/S", "BYTES/S", "DEPTH" }, new int[] { 9, 30, 12, 14, 10 });
        for (ObjectHistory.Rate r : busiest) {
            t.row(r.type(), r.name(), String.format("%.1f", r.messagesPerSecond()), String.format("%.0f",
                    r.bytesPerSecond()), r.depth());
        }
        return title + t;
    }
}
