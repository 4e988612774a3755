package com.pb.synth.tradecapture.reference;

import com.pb.synth.tradecapture.validation.Currencies;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.http.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Reference data administration: securities, accounts with their financing terms, and books. A PUT
 * creates or replaces one item (201 or 200) and is in use on this instance at once and on every other
 * instance within {@code capture.reference.max-staleness}. Writes need role
 * {@code trade-capture.admin}, reads {@code trade-capture.read}.
 */
@Path("/api/v1/reference")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class ReferenceApi {

    private static final String STATUS = "ACTIVE|INACTIVE";
    private static final String PROBLEM = Problem.MEDIA_TYPE;

    /** A security as written and read. The path's id wins over a {@code securityId} in the body. */
    public record SecurityTerms(String securityId,
                                @Pattern(regexp = "[A-Z]{2}[A-Z0-9]{9}[0-9]", message = "must be an ISIN") String isin,
                                @Size(max = 32) String ric,
                                @NotNull @Pattern(regexp = "[A-Z]{3}") String currency,
                                @NotBlank @Size(max = 32) String assetClass,
                                @Size(max = 16) String exchange,
                                @NotNull @Pattern(regexp = STATUS) String status) {

        static SecurityTerms of(Security s) {
            return new SecurityTerms(s.securityId(), s.isin(), s.ric(), s.currency(), s.assetClass(), s.exchange(),
                    ReferenceApi.status(s.active()));
        }
    }

    /** An account and its financing terms. {@code dayCount} empty: the index's convention. */
    public record AccountTerms(String accountId,
                               @NotBlank @Size(max = 64) String legalEntity,
                               @NotNull @Pattern(regexp = "us|emea|apac") String region,
                               @NotNull @DecimalMin("-10000") @DecimalMax("10000") BigDecimal spreadBps,
                               @Pattern(regexp = "ACT/360|ACT/365.FIXED|ACT/ACT|30/360") String dayCount,
                               @NotNull @Min(1) @Max(600) Integer tenorMonths,
                               @NotNull @Pattern(regexp = "DAILY|WEEKLY|MONTHLY|QUARTERLY") String resetFrequency,
                               @NotNull Boolean straightThrough,
                               @Positive BigDecimal maxTradeNotional,
                               @NotNull @Pattern(regexp = STATUS) String status) {

        static AccountTerms of(Account a) {
            return new AccountTerms(a.accountId(), a.legalEntity(), a.region(), a.spreadBps(), a.dayCount(),
                    a.tenorMonths(), a.resetFrequency(), a.straightThrough(), a.maxTradeNotional(), ReferenceApi.status(a.active()));
        }
    }

    public record BookTerms(String bookId,
                            @NotBlank @Size(max = 64) String desk,
                            @NotBlank @Size(max = 64) String legalEntity,
                            @NotNull @Pattern(regexp = STATUS) String status) {

        static BookTerms of(Book b) {
            return new BookTerms(b.bookId(), b.desk(), b.legalEntity(), ReferenceApi.status(b.active()));
        }
    }

    private final ReferenceDataRepository repository;
    private final ReferenceData reference;
    private final Validator validator;

    public ReferenceApi(ReferenceDataRepository repository, ReferenceData reference, Validator validator) {
        this.repository = repository;
        this.reference = reference;
        this.validator = validator;
    }

    @PUT
    @Path("/securities/{securityId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a security", description = "Role trade-capture.admin.")
    @APIResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = SecurityTerms.class)))
    @APIResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = SecurityTerms.class)))
    @APIResponse(responseCode = "400", description = "invalid, each bad field named",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> putSecurity(@PathParam("securityId") String securityId, SecurityTerms terms) {
        List<FieldError> errors = check(securityId, "securityId", terms);
        if (terms != null && terms.currency() != null && !Currencies.isIso4217(terms.currency())) {
            errors.add(new FieldError("currency", terms.currency() + " is not an ISO 4217 currency",
                    ReasonCode.INVALID_VALUE));
        }
        reject(errors);
        Security s = new Security(securityId, terms.isin(), terms.ric(), terms.currency(), terms.assetClass(),
                terms.exchange(), active(terms.status()));
        return written(repository.put(s), snapshot -> SecurityTerms.of(snapshot.securities().get(securityId)));
    }

    @PUT
    @Path("/accounts/{accountId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace an account and its financing terms", description = "Role trade-capture.admin.")
    @APIResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = AccountTerms.class)))
    @APIResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = AccountTerms.class)))
    @APIResponse(responseCode = "400", description = "invalid, each bad field named",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> putAccount(@PathParam("accountId") String accountId, AccountTerms terms) {
        reject(check(accountId, "accountId", terms));
        Account a = new Account(accountId, terms.legalEntity(), terms.region(), terms.spreadBps(), terms.tenorMonths(),
                terms.resetFrequency(), terms.straightThrough(), active(terms.status()), terms.dayCount(),
                terms.maxTradeNotional());
        return written(repository.put(a), snapshot -> AccountTerms.of(snapshot.accounts().get(accountId)));
    }

    @PUT
    @Path("/books/{bookId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a book", description = "Role trade-capture.admin.")
    @APIResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = BookTerms.class)))
    @APIResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = BookTerms.class)))
    @APIResponse(responseCode = "400", description = "invalid, each bad field named",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> putBook(@PathParam("bookId") String bookId, BookTerms terms) {
        reject(check(bookId, "bookId", terms));
        Book b = new Book(bookId, terms.desk(), terms.legalEntity(), active(terms.status()));
        return written(repository.put(b), snapshot -> BookTerms.of(snapshot.books().get(bookId)));
    }

    @GET
    @Path("/securities/{securityId}")
    @Operation(summary = "A security as this instance uses it")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SecurityTerms.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<SecurityTerms> security(@PathParam("securityId") String securityId) {
        return found(s -> s.securities(), securityId, SecurityTerms::of);
    }

    @GET
    @Path("/accounts/{accountId}")
    @Operation(summary = "An account as this instance uses it")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AccountTerms.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<AccountTerms> account(@PathParam("accountId") String accountId) {
        return found(s -> s.accounts(), accountId, AccountTerms::of);
    }

    @GET
    @Path("/books/{bookId}")
    @Operation(summary = "A book as this instance uses it")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = BookTerms.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<BookTerms> book(@PathParam("bookId") String bookId) {
        return found(s -> s.books(), bookId, BookTerms::of);
    }

    private <T> List<FieldError> check(String id, String idField, T terms) {
        List<FieldError> errors = new ArrayList<>();
        if (!PartitionKey.isValidId(id)) {
            errors.add(new FieldError(idField, "must match " + PartitionKey.ID_SHAPE, ReasonCode.INVALID_ID));
        }
        if (terms == null) {
            errors.add(new FieldError("", "a JSON body is required", ReasonCode.MISSING_FIELD));
            return errors;
        }
        for (ConstraintViolation<T> v : validator.validate(terms)) {
            errors.add(new FieldError(v.getPropertyPath().toString(), v.getMessage(), ReasonCode.INVALID_VALUE));
        }
        return errors;
    }

    private static void reject(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
            throw new Problem.Failure(Problem.invalid("Invalid reference data", errors));
        }
    }

    /** Answers once the write is in this instance's cache: 201 when it created the item, else 200. */
    private Uni<Response> written(Uni<Boolean> write, Function<ReferenceData.Snapshot, Object> view) {
        return write.flatMap(created -> reference.load()
                .map(snapshot -> Response.status(created ? 201 : 200).entity(view.apply(snapshot)).build()));
    }

    private <T, V> Uni<V> found(Function<ReferenceData.Snapshot, Map<String, T>> table, String id, Function<T, V> view) {
        return reference.current().map(snapshot -> {
            T item = table.apply(snapshot).get(id);
            if (item == null) {
                throw new Problem.Failure(Problem.of(404, "Not found", "no " + id + " in the reference data"));
            }
            return view.apply(item);
        });
    }

    private static boolean active(String status) {
        return "ACTIVE".equals(status);
    }

    static String status(boolean active) {
        return active ? "ACTIVE" : "INACTIVE";
    }
}
