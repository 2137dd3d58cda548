package org.crosstenant.audit.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.audit.model.StoredCheckpoint;

/**
 * Signed checkpoints ({@code audit_checkpoint}, V5__merkle_log.sql): append-only, one per signed tree size; the table
 * is also the outbox of audit.checkpoints ({@code published_at}).
 */
@ApplicationScoped
public class CheckpointRepository {

    private static final String COLUMNS = "tree_size, root_hash, note, signed_at";

    /** @return the checkpoint of the largest tree, empty when none was signed yet */
    public Uni<Optional<StoredCheckpoint>> latest(SqlClient client) {
        return client.query("select " + COLUMNS + " from audit_checkpoint order by tree_size desc limit 1").execute()
                .map(rows -> first(rows));
    }

    /** @return the checkpoints of those tree sizes that were signed (in size order) */
    public Uni<List<StoredCheckpoint>> bySizes(SqlClient client, Collection<Long> sizes) {
        return client.preparedQuery("select " + COLUMNS + " from audit_checkpoint where tree_size = any($1)"
                        + " order by tree_size")
                .execute(Tuple.of(sizes.toArray(Long[]::new))).map(CheckpointRepository::all);
    }

    /**
     * Stores a signed checkpoint; a size already signed (by another instance) is left as it is.
     *
     * @return whether this call stored it
     */
    public Uni<Boolean> insert(SqlClient client, StoredCheckpoint checkpoint) {
        return client.preparedQuery("insert into audit_checkpoint (" + COLUMNS + ") values ($1, $2, $3, $4)"
                        + " on conflict (tree_size) do nothing")
                .execute(Tuple.of(checkpoint.treeSize(), Buffer.buffer(checkpoint.rootHash()), checkpoint.note(),
                        checkpoint.signedAt().atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Up to {@code limit} unpublished checkpoints, smallest first, locked (skipping those another relay holds). */
    public Uni<List<StoredCheckpoint>> lockUnpublished(SqlConnection connection, int limit) {
        return connection.preparedQuery("select " + COLUMNS + " from audit_checkpoint where published_at is null"
                        + " order by tree_size limit $1 for update skip locked")
                .execute(Tuple.of(limit)).map(CheckpointRepository::all);
    }

    /** Marks checkpoints published (the broker acknowledged them). */
    public Uni<Void> markPublished(SqlConnection connection, List<Long> sizes, Instant at) {
        return connection.preparedQuery("update audit_checkpoint set published_at = $2 where tree_size = any($1)")
                .execute(Tuple.of(sizes.toArray(Long[]::new), at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /** @return how many checkpoints are stored (tests, metrics) */
    public Uni<Long> count(SqlClient client) {
        return client.query("select count(*) from audit_checkpoint").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static Optional<StoredCheckpoint> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(checkpoint(rows.iterator().next()));
    }

    private static List<StoredCheckpoint> all(RowSet<Row> rows) {
        List<StoredCheckpoint> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(checkpoint(row)));
        return list;
    }

    private static StoredCheckpoint checkpoint(Row row) {
        return new StoredCheckpoint(row.getLong(0), row.getBuffer(1).getBytes(), row.getString(2),
                row.getOffsetDateTime(3).toInstant());
    }
}
