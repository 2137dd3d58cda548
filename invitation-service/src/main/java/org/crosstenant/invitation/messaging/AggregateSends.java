package org.crosstenant.invitation.messaging;

import org.crosstenant.platform.messaging.Failures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Sends one relay round's rows so that no aggregate waits for another and no row overtakes an earlier row of its own
 * aggregate: the aggregates' first rows are handed to the producer at once, in the given (commit) order; each further
 * row of an aggregate is sent only after the previous one was acknowledged or failed permanently (it is then parked
 * and the aggregate's later rows flow on). After a transient failure the aggregate's later rows are not sent in this
 * round: they wait behind the row that is retried.
 */
final class AggregateSends {

    /**
     * What happened to one row of the round.
     *
     * @param sent    false when the row was not sent (an earlier row of its aggregate failed transiently)
     * @param failure the send failure, null when acknowledged (or not sent)
     */
    record Outcome(boolean sent, Throwable failure) {
        static final Outcome NOT_SENT = new Outcome(false, null);
    }

    private AggregateSends() {
    }

    /**
     * @param rows      the round's rows in commit order
     * @param aggregate the aggregate a row belongs to (type and id)
     * @param send      sends one row; its item is the failure, null when the broker acknowledged the row; never fails
     * @return one outcome per row, in the order of {@code rows}, once every send settled
     */
    static <R> Uni<List<Outcome>> sendAll(List<R> rows, Function<R, String> aggregate, Function<R, Uni<Throwable>> send) {
        Outcome[] outcomes = new Outcome[rows.size()];
        Arrays.fill(outcomes, Outcome.NOT_SENT);
        Map<String, List<Integer>> byAggregate = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byAggregate.computeIfAbsent(aggregate.apply(rows.get(i)), key -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<Void>> chains = new ArrayList<>(byAggregate.size());
        for (List<Integer> indexes : byAggregate.values()) {
            // subscribing sends the aggregate's first row now: the loop keeps the commit order of first rows
            chains.add(sendFrom(rows, indexes, 0, send, outcomes).subscribeAsCompletionStage());
        }
        // completing the futures publishes the outcomes' writes (Kafka threads) to the reader
        return Uni.createFrom().completionStage(CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)))
                .map(ignored -> Arrays.asList(outcomes));
    }

    private static <R> Uni<Void> sendFrom(List<R> rows, List<Integer> indexes, int next,
            Function<R, Uni<Throwable>> send, Outcome[] outcomes) {
        if (next == indexes.size()) {
            return Uni.createFrom().voidItem();
        }
        int index = indexes.get(next);
        return send.apply(rows.get(index)).chain(failure -> {
            outcomes[index] = new Outcome(true, failure);
            return failure != null && Failures.isTransient(failure) ? Uni.createFrom().voidItem()
                    : sendFrom(rows, indexes, next + 1, send, outcomes);
        });
    }
}
