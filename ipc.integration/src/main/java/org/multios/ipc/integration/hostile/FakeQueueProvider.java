package org.multios.ipc.integration.hostile;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;

/** A queue provider of the hostile bundle: counts the callers the guard would hand it. */
final class FakeQueueProvider implements MechanismProvider<MessageQueueService> {
    private final AtomicInteger binds = new AtomicInteger();

    int binds() {
        return binds.get();
    }

    @Override
    public Class<MessageQueueService> apiType() {
        return MessageQueueService.class;
    }

    @Override
    public MessageQueueService bind(CallerContext caller) {
        binds.incrementAndGet();
        return (MessageQueueService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { MessageQueueService.class }, (proxy, method, args) -> {
                    throw new UnsupportedOperationException("captured by the hostile bundle's fake provider");
                });
    }

    @Override
    public void release(CallerContext caller) {
        // nothing held
    }

    @Override
    public List<ObjectInfo> objects() {
        return List.of();
    }

    @Override
    public int connectionCount() {
        return 0;
    }
}
