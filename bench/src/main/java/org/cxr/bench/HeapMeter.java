package org.cxr.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The heap a stretch of work used, two ways:
 * <ul>
 * <li>peak: the sum over the heap pools of each pool's peak used bytes since {@link #reset}. Pools peak at different
 * moments, so this is an upper bound of the real peak; and it counts garbage not yet collected, so with G1 it says as
 * much about how far the collector let the young generation grow as about what the work kept;
 * <li>after GC: the most heap still in use right after any collection since {@link #reset}, which is closer to what the
 * work actually held (old-generation garbage not yet collected still counts). Empty when no collection ran.
 * </ul>
 */
final class HeapMeter
        implements AutoCloseable
{
    private static final double MB = 1024.0 * 1024.0;

    private final List<MemoryPoolMXBean> heapPools;
    private final Set<String> heapPoolNames;
    private final List<NotificationEmitter> collectors;
    private final NotificationListener listener = this::collected;
    private final AtomicLong maxAfterGc = new AtomicLong(-1);

    HeapMeter()
    {
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
        this.heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toUnmodifiableSet());
        this.collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(NotificationEmitter.class::isInstance)
                .map(NotificationEmitter.class::cast)
                .toList();
        collectors.forEach(collector -> collector.addNotificationListener(listener, null, null));
    }

    /** Starts a new measurement. */
    void reset()
    {
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        maxAfterGc.set(-1);
    }

    double peakMb()
    {
        return heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / MB;
    }

    /** Negative when no collection ran since {@link #reset}. */
    double maxAfterGcMb()
    {
        long bytes = maxAfterGc.get();
        return bytes < 0 ? -1 : bytes / MB;
    }

    /** The heap's maximum size (-Xmx), for the record. */
    static double maxHeapMb()
    {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / MB;
    }

    private void collected(Notification notification, Object handback)
    {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPoolNames.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        maxAfterGc.accumulateAndGet(used, Math::max);
    }

    @Override
    public void close()
    {
        for (NotificationEmitter collector : collectors) {
            try {
                collector.removeNotificationListener(listener);
            }
            catch (ListenerNotFoundException ignored) {
                // Never added to this collector; nothing to remove.
            }
        }
    }
}
