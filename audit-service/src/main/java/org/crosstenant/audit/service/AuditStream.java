package org.crosstenant.audit.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.repository.AuditRecordRepository;
import org.crosstenant.audit.repository.AuditRecordRepository.Filter;

/**
 * A tenant's live feed: replay from a sequence, then every new record of that tenant.
 * <p>
 * The in-process broadcast after each commit only wakes the subscriber up; what it sends is read from the database
 * after its cursor. So the feed is ordered and gapless even when two transactions' post-commit callbacks run out of
 * order, and records appended by another instance show up at the latest with the next keep-alive.
 */
@ApplicationScoped
public class AuditStream {

    /** What the stream emits; the REST layer turns it into SSE events. */
    public sealed interface Item permits Connected, RecordItem, KeepAlive {
    }

    /** First item: the sequence the feed continues after. */
    public record Connected(long after) implements Item {
    }

    public record RecordItem(AuditRecord record) implements Item {
    }

    public record KeepAlive() implements Item {
    }

    private enum Signal { CATCH_UP, KEEP_ALIVE }

    private final AuditRecordRepository records;
    private final AuditQueries queries;
    private final AuditRecordMapper mapper;
    private final RecordBroadcaster broadcaster;
    private final ReactiveContexts contexts;
    private final AuditConfig config;

    public AuditStream(AuditRecordRepository records, AuditQueries queries, AuditRecordMapper mapper,
            RecordBroadcaster broadcaster, ReactiveContexts contexts, AuditConfig config) {
        this.records = records;
        this.queries = queries;
        this.mapper = mapper;
        this.broadcaster = broadcaster;
        this.contexts = contexts;
        this.config = config;
    }

    /**
     * Where a feed starts, checked before any byte of the stream is sent (so that a refusal can still be a 400).
     *
     * @param after replay records after this sequence; null = only records appended from now on
     * @return {@code after}, or the log's last sequence when it is null; fails with {@link ResumeBeyondHeadException}
     *         when {@code after} is past the log's last record
     */
    public Uni<Long> start(Long after) {
        Uni<Long> head = contexts.onFreshContext(() -> Panache.withSession(queries::headSequence));
        return after == null ? head : head.map(last -> {
            if (after > last) {
                throw new ResumeBeyondHeadException(after, last);
            }
            return after;
        });
    }

    /**
     * @param from a sequence from {@link #start}: the feed sends the tenant's records after it, then new ones
     * @return the feed; its first item is {@link Connected}
     */
    public Multi<Item> follow(String tenant, long from) {
        return Multi.createFrom().deferred(() -> {
            AtomicLong cursor = new AtomicLong(from);
            // merge subscribes to the broadcast before the first (asynchronous) catch-up read runs: nothing
            // committed in between can be missed
            Multi<Signal> wakeUps = Multi.createBy().merging().streams(
                    Multi.createFrom().item(Signal.CATCH_UP),
                    broadcaster.appended().filter(batch -> batch.stream().anyMatch(record -> record.concerns(tenant)))
                            .map(batch -> Signal.CATCH_UP),
                    Multi.createFrom().ticks().every(config.stream().keepAlive()).map(tick -> Signal.KEEP_ALIVE))
                    // a burst of appends while we read collapses into one more read
                    .onOverflow().dropPreviousItems();
            Multi<Item> feed = wakeUps.onItem().transformToMultiAndConcatenate(signal -> {
                Multi<Item> catchUp = catchUp(tenant, cursor);
                return signal == Signal.KEEP_ALIVE
                        ? Multi.createBy().concatenating().streams(Multi.createFrom().item(new KeepAlive()), catchUp)
                        : catchUp;
            });
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Connected(from)), feed);
        });
    }

    private Multi<Item> catchUp(String tenant, AtomicLong cursor) {
        int pageSize = config.stream().pageSize();
        return Multi.createBy().repeating()
                .uni(() -> contexts.onFreshContext(() -> Panache.withSession(
                        () -> records.pageForTenant(tenant, cursor.get(), pageSize, Filter.NONE))))
                .whilst(page -> page.size() == pageSize)
                .onItem().transformToIterable(page -> {
                    List<Item> items = page.stream().map(this::item).toList();
                    if (!page.isEmpty()) {
                        cursor.set(page.get(page.size() - 1).sequence);
                    }
                    return items;
                });
    }

    private Item item(AuditRecordEntity entity) {
        return new RecordItem(mapper.toRecord(entity));
    }
}
