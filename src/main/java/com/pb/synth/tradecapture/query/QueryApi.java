package com.pb.synth.tradecapture.query;

import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Page;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.http.Paging;
import com.pb.synth.tradecapture.http.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The HTTP API's reads of what capture stored (README "HTTP API"): a trade's versions, a key's
 * position with its lots, its reliefs and closed lots, a page at a time. Non-blocking; errors are
 * application/problem+json.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class QueryApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    private final QueryRepository queries;

    public QueryApi(QueryRepository queries) {
        this.queries = queries;
    }

    @GET
    @Path("/trades/capture/{tradeId}")
    @Operation(summary = "A trade's swap blotter, every captured version")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = QueryRepository.TradeView.class)))
    @APIResponse(responseCode = "404", description = "never captured",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<QueryRepository.TradeView> trade(@PathParam("tradeId") String tradeId) {
        return queries.trade(tradeId).map(t -> Problem.found(t, "no captured trade " + tradeId));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}")
    @Operation(summary = "A partition key's position, its open lots one page at a time (oldest first: lotsAfter is "
            + "the previous page's nextLotsAfter, lotsLimit 1 to 1,000, default 100; openLotCount in all) and the "
            + "first page of its reliefs (reliefCount in all; the rest at .../reliefs)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = QueryRepository.PositionView.class)))
    @APIResponse(responseCode = "400", description = "an invalid key, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<QueryRepository.PositionView> position(@PathParam("accountId") String accountId,
                                                      @PathParam("bookId") String bookId,
                                                      @PathParam("securityId") String securityId,
                                                      @QueryParam("lotsAfter") String lotsAfter,
                                                      @QueryParam("lotsLimit") String lotsLimit) {
        String key = key(accountId, bookId, securityId);
        return queries.position(key, Paging.after("lotsAfter", lotsAfter), Paging.limit("lotsLimit", lotsLimit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}/reliefs")
    @Operation(summary = "A partition key's reliefs (a lot of one direction closing quantity of an older lot of the "
            + "other), oldest first, made on the UTC days from..to (both included, either may be left out), one "
            + "page at a time: after is the previous page's nextAfter, limit 1 to 1,000, default 100; total in all")
    @APIResponse(responseCode = "400", description = "an invalid key, date, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Page<FifoLots.Relief>> reliefs(@PathParam("accountId") String accountId, @PathParam("bookId") String bookId,
                                              @PathParam("securityId") String securityId,
                                              @QueryParam("from") String from, @QueryParam("to") String to,
                                              @QueryParam("after") String after,
                                              @QueryParam("limit") String limit) {
        String key = key(accountId, bookId, securityId);
        return queries.reliefs(key, dates(from, to), Paging.after("after", after), Paging.limit("limit", limit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}/closed-lots")
    @Operation(summary = "A partition key's lots relieved in full, in the order they were opened, closed on the UTC "
            + "days from..to (both included, either may be left out), one page at a time: after is the previous "
            + "page's nextAfter, limit 1 to 1,000, default 100; total in all")
    @APIResponse(responseCode = "400", description = "an invalid key, date, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Page<FifoLots.ClosedLot>> closedLots(@PathParam("accountId") String accountId,
                                                    @PathParam("bookId") String bookId,
                                                    @PathParam("securityId") String securityId,
                                                    @QueryParam("from") String from, @QueryParam("to") String to,
                                                    @QueryParam("after") String after,
                                                    @QueryParam("limit") String limit) {
        String key = key(accountId, bookId, securityId);
        return queries.closedLots(key, dates(from, to), Paging.after("after", after), Paging.limit("limit", limit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    private static String key(String accountId, String bookId, String securityId) {
        try {
            return new PartitionKey(accountId, bookId, securityId).value();
        } catch (IllegalArgumentException e) {
            throw new Problem.Failure(Problem.of(400, "Invalid key", e.getMessage()));
        }
    }

    private static QueryRepository.Dates dates(String from, String to) {
        QueryRepository.Dates dates = new QueryRepository.Dates(date("from", from), date("to", to));
        if (dates.from() != null && dates.to() != null && dates.to().isBefore(dates.from())) {
            throw new Problem.Failure(Problem.of(400, "Invalid date range", "to (" + to + ") is before from (" + from + ")"));
        }
        return dates;
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new Problem.Failure(Problem.of(400, "Invalid date", name + " must be a date (YYYY-MM-DD), was " + value));
        }
    }
}
