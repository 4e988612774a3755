package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.pb.synth.tradecapture.validation.IdShape;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.RefusedSlot;
import com.pb.synth.tradecapture.validation.Currencies;
import com.pb.synth.tradecapture.validation.JsonPaths;
import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.domain.Side;
import com.pb.synth.tradecapture.domain.StoreLimits;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.domain.TradeAction;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.HibernateValidatorFactory;

/**
 * The edge between the wire and the domain: bytes to a validated {@link Trade}, or a
 * {@link Rejection} with its reason code. Never throws for bad input.
 */
@Singleton
public class TradeRequestMapper {

    /** Either a trade or the reason it was refused. */
    public record Result(Trade trade, Rejection rejection) {
        static Result ok(Trade trade) {
            return new Result(trade, null);
        }

        static Result reject(ReasonCode code, String detail) {
            return new Result(null, new Rejection(code, detail));
        }
    }

    private final ObjectReader reader;
    private final ObjectReader tree;
    private final Validator validator;

    public TradeRequestMapper(ObjectMapper mapper, ValidatorFactory validators) {
        this.tree = mapper.reader();
        this.reader = mapper.readerFor(TradeCaptureRequest.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // Quarkus's traversable resolver traverses everything (no JPA here), so Hibernate
        // Validator's per-call cache of its answers only costs: ~15% of capture's allocations.
        this.validator = validators.unwrap(HibernateValidatorFactory.class).usingContext()
                .enableTraversableResolverResultCache(false).getValidator();
    }

    /** One field's problem: the JSON path of the field, what is wrong with it, and its reason code. */
    /**
     * A request read from JSON, or why it could not be: the field at fault (with the reason code)
     * and the parser's own words for the DLQ record.
     */
    public record Parsed(TradeCaptureRequest request, FieldError error, String detail) {
        public boolean ok() {
            return request != null;
        }

        static Parsed failed(String field, String message, ReasonCode reason, String detail) {
            return new Parsed(null, new FieldError(field, message, reason), detail);
        }
    }

    /** Reads one record; {@code recordKey} may be null for producers that send no key. */
    public Result map(byte[] payload, String recordKey) {
        if (payload == null || payload.length == 0) {
            return Result.reject(ReasonCode.EMPTY_PAYLOAD, "the record has no value (an empty record or a tombstone)");
        }
        Parsed parsed = read(payload);
        if (!parsed.ok()) {
            return Result.reject(parsed.error().reason(), parsed.detail());
        }
        TradeCaptureRequest request = parsed.request();
        Result invalid = validate(request);
        if (invalid != null) {
            return invalid;
        }
        Trade trade = toTrade(request);
        if (recordKey != null && !recordKey.equals(trade.key().value())) {
            return Result.reject(ReasonCode.KEY_MISMATCH,
                    "record key " + recordKey + " is not the partition key " + trade.key().value());
        }
        return Result.ok(trade);
    }

    /**
     * The place in its key's sequence of a record refused at parse or validation, when it can be read
     * anyway: the payload is a JSON object whose accountId, bookId and securityId are valid ids forming
     * the record's key, and whose sequenceNumber is an integer &gt;= 0. Null otherwise (not JSON, no
     * record key, KEY_MISMATCH, no usable number): then the number is a gap, as one never sent.
     */
    public RefusedSlot slotOf(byte[] payload, String recordKey, ReasonCode reason) {
        if (payload == null || payload.length == 0 || recordKey == null || reason == ReasonCode.KEY_MISMATCH
                || reason == ReasonCode.NOT_JSON || reason == ReasonCode.EMPTY_PAYLOAD) {
            return null;
        }
        try {
            JsonNode root = tree.readTree(payload);
            if (root == null || !root.isObject()) {
                return null;
            }
            String account = id(root.get("accountId")), book = id(root.get("bookId")), security = id(root.get("securityId"));
            JsonNode seq = root.get("sequenceNumber");
            if (account == null || book == null || security == null || seq == null || !seq.isIntegralNumber()
                    || !seq.canConvertToLong() || seq.longValue() < 0
                    || !recordKey.equals(new PartitionKey(account, book, security).value())) {
                return null;
            }
            return new RefusedSlot(recordKey, seq.longValue());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String id(JsonNode node) {
        return node != null && node.isTextual() && PartitionKey.isValidId(node.textValue()) ? node.textValue() : null;
    }

    /** JSON to a request: wrong types and broken JSON come back with the field they were found at. */
    public Parsed read(byte[] payload) {
        try {
            TradeCaptureRequest request = reader.readValue(payload);
            return request == null ? Parsed.failed("", "empty body", ReasonCode.NOT_JSON, "empty payload")
                    : new Parsed(request, null, null);
        } catch (MismatchedInputException e) {
            return Parsed.failed(JsonPaths.pathOf(e), "wrong type: " + e.getOriginalMessage(), ReasonCode.SCHEMA_INVALID,
                    e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            ReasonCode code = isJsonSyntax(payload) ? ReasonCode.SCHEMA_INVALID : ReasonCode.NOT_JSON;
            return Parsed.failed("", "malformed JSON: " + e.getOriginalMessage(), code, e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            return Parsed.failed("", "malformed JSON", ReasonCode.NOT_JSON, String.valueOf(e.getMessage()));
        }
    }

    /** Every problem of a request, field by field, sorted by field (empty when it is valid). */
    public List<FieldError> violations(TradeCaptureRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<TradeCaptureRequest> v : validator.validate(request)) {
            errors.add(new FieldError(v.getPropertyPath().toString(), v.getMessage(), reasonFor(v)));
        }
        if (errors.isEmpty()) {
            List<TradeCaptureRequest.TradeLot> lots = request.tradeLots();
            for (int l = 0; l < lots.size(); l++) {
                List<TradeCaptureRequest.PriceQuantity> pqs = lots.get(l).priceQuantity();
                for (int p = 0; p < pqs.size(); p++) {
                    String currency = pqs.get(p).price().get(0).unit().currency();
                    if (!Currencies.isIso4217(currency)) {
                        errors.add(new FieldError("tradeLots[" + l + "].priceQuantity[" + p + "].price[0].unit.currency",
                                currency + " is not an ISO 4217 currency", ReasonCode.INVALID_VALUE));
                    }
                }
            }
            if (request.settlementDate() != null && request.settlementDate().isBefore(request.tradeDate())) {
                errors.add(new FieldError("settlementDate", "must not be before tradeDate", ReasonCode.INVALID_VALUE));
            }
            storeLimits(request, errors);
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        return errors;
    }

    /** Bean Validation first, then the checks that span fields; null when the request is valid. */
    public Result validate(TradeCaptureRequest request) {
        List<FieldError> errors = violations(request);
        if (errors.isEmpty()) {
            return null;
        }
        StringBuilder detail = new StringBuilder();
        for (FieldError e : errors) {
            detail.append(detail.isEmpty() ? "" : "; ").append(e.field()).append(' ').append(e.message());
        }
        return Result.reject(errors.get(0).reason(), detail.toString());
    }

    /**
     * What the stores could not hold ({@link StoreLimits}): amounts, their notional and totals, dates,
     * instants and stored text. Checked here, in the one mapper Kafka and HTTP share, so that a value
     * never fails at the store.
     */
    private static void storeLimits(TradeCaptureRequest r, List<FieldError> errors) {
        BigDecimal quantity = BigDecimal.ZERO;
        BigDecimal notional = BigDecimal.ZERO;
        boolean amountsFit = true;
        List<TradeCaptureRequest.TradeLot> lots = r.tradeLots();
        for (int l = 0; l < lots.size(); l++) {
            TradeCaptureRequest.TradeLot lot = lots.get(l);
            String at = "tradeLots[" + l + "]";
            if (lot.lotIdentifier() != null) {
                for (int i = 0; i < lot.lotIdentifier().size(); i++) {
                    TradeCaptureRequest.LotIdentifier id = lot.lotIdentifier().get(i);
                    text(at + ".lotIdentifier[" + i + "].identifier", id.identifier(), errors);
                    text(at + ".lotIdentifier[" + i + "].identifierType", id.identifierType(), errors);
                }
            }
            List<TradeCaptureRequest.PriceQuantity> pqs = lot.priceQuantity();
            for (int p = 0; p < pqs.size(); p++) {
                String pq = at + ".priceQuantity[" + p + "]";
                TradeCaptureRequest.Quantity q = pqs.get(p).quantity().get(0);
                BigDecimal price = pqs.get(p).price().get(0).value();
                boolean fits = decimal(pq + ".quantity[0].value", q.value(), errors)
                        & decimal(pq + ".price[0].value", price, errors);
                if (q.unit() != null) {
                    text(pq + ".quantity[0].unit.financialUnit", q.unit().financialUnit(), errors);
                }
                if (!fits) {
                    amountsFit = false;
                    continue;
                }
                BigDecimal lotNotional = StoreLimits.money(q.value().multiply(price));
                if (!StoreLimits.fits(lotNotional)) {
                    errors.add(new FieldError(pq, "notional (quantity x price) must be below 10^20",
                            ReasonCode.VALUE_OUT_OF_RANGE));
                    amountsFit = false;
                }
                quantity = quantity.add(q.value());
                notional = notional.add(lotNotional);
            }
        }
        if (amountsFit && !(StoreLimits.fits(quantity) && StoreLimits.fits(notional))) {
            errors.add(new FieldError("tradeLots", "the trade's total quantity and notional must be below 10^20",
                    ReasonCode.VALUE_OUT_OF_RANGE));
        }
        outOfRange("tradeDate", StoreLimits.dateProblem(r.tradeDate()), errors);
        outOfRange("settlementDate", StoreLimits.dateProblem(r.settlementDate()), errors);
        outOfRange("tradeTimestamp", StoreLimits.instantProblem(r.tradeTimestamp()), errors);
        outOfRange("bookingTimestamp", StoreLimits.instantProblem(r.bookingTimestamp()), errors);
        text("idempotencyKey", r.idempotencyKey(), errors);
        text("enteredBy", r.enteredBy(), errors);
    }

    private static boolean decimal(String field, BigDecimal value, List<FieldError> errors) {
        return !outOfRange(field, StoreLimits.decimalProblem(value), errors);
    }

    private static void text(String field, String value, List<FieldError> errors) {
        outOfRange(field, StoreLimits.textProblem(value), errors);
    }

    private static boolean outOfRange(String field, String problem, List<FieldError> errors) {
        if (problem != null) {
            errors.add(new FieldError(field, problem, ReasonCode.VALUE_OUT_OF_RANGE));
        }
        return problem != null;
    }

    private static ReasonCode reasonFor(ConstraintViolation<?> violation) {
        Class<?> constraint = violation.getConstraintDescriptor().getAnnotation().annotationType();
        if (constraint == NotNull.class || constraint == NotBlank.class || constraint == NotEmpty.class) {
            return ReasonCode.MISSING_FIELD;
        }
        if (constraint == IdShape.class) {
            return ReasonCode.INVALID_ID;
        }
        return ReasonCode.INVALID_VALUE;
    }

    /** A payload that starts like JSON but breaks later is a schema problem of a JSON producer. */
    private static boolean isJsonSyntax(byte[] payload) {
        for (byte b : payload) {
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    public Trade toTrade(TradeCaptureRequest r) {
        List<Lot> lots = new ArrayList<>();
        for (TradeCaptureRequest.TradeLot lot : r.tradeLots()) {
            List<Lot.LotIdentifier> ids = lot.lotIdentifier() == null ? List.of() : lot.lotIdentifier().stream()
                    .map(i -> new Lot.LotIdentifier(i.identifier(), i.identifierType())).toList();
            for (TradeCaptureRequest.PriceQuantity pq : lot.priceQuantity()) {
                TradeCaptureRequest.Quantity q = pq.quantity().get(0);
                TradeCaptureRequest.Price p = pq.price().get(0);
                lots.add(new Lot(ids, q.value(), q.unit() == null ? null : q.unit().financialUnit(), p.value(),
                        p.unit().currency()));
            }
        }
        return new Trade(r.tradeId(), r.version() == null ? 1 : r.version(),
                r.action() == null ? TradeAction.NEW : TradeAction.valueOf(r.action()),
                r.side() == null ? Side.BUY : Side.valueOf(r.side()),
                new PartitionKey(r.accountId(), r.bookId(), r.securityId()),
                r.source() == null ? "AUTOMATED" : r.source(), r.tradeDate(), r.settlementDate(), r.tradeTimestamp(),
                r.bookingTimestamp(), r.counterpartyIds() == null ? List.of() : r.counterpartyIds(),
                r.sequenceNumber(), r.idempotencyKey(), r.enteredBy(),
                r.metadata() == null ? Map.of() : r.metadata(), lots);
    }
}
