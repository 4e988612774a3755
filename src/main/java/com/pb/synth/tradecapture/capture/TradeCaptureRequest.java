package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import com.pb.synth.tradecapture.validation.CurrencyCode;
import com.pb.synth.tradecapture.validation.IdShape;
import com.pb.synth.tradecapture.validation.OneOf;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The trade capture request upstream order-management systems already send, plus the optional
 * {@code action}, {@code version} and {@code side} (defaults NEW, 1, BUY). Unknown properties are
 * ignored so upstreams may add fields; decimals arrive as JSON numbers or strings and are read
 * straight into {@link BigDecimal}.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record TradeCaptureRequest(
        @NotBlank @IdShape String tradeId,
        @Size(max = 128) String idempotencyKey,
        @NotBlank @IdShape String accountId,
        @NotBlank @IdShape String bookId,
        @NotBlank @IdShape String securityId,
        @OneOf(alternatives = "AUTOMATED|MANUAL") String source,
        @NotNull LocalDate tradeDate,
        LocalDate settlementDate,
        Instant tradeTimestamp,
        Instant bookingTimestamp,
        @Size(max = 100) List<@IdShape String> counterpartyIds,
        @Min(0) Long sequenceNumber,
        Map<String, Object> metadata,
        @Size(max = 64) String enteredBy,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid TradeLot> tradeLots,
        @OneOf(alternatives = "NEW|CORRECT|CANCEL") String action,
        @Min(1) @Max(1_000_000) Integer version,
        @OneOf(alternatives = "BUY|SELL") String side) {


    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TradeLot(@Size(max = 20) List<@NotNull @Valid LotIdentifier> lotIdentifier,
                           @NotEmpty @Size(max = 100) List<@NotNull @Valid PriceQuantity> priceQuantity) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LotIdentifier(@NotBlank @Size(max = 64) String identifier, @Size(max = 32) String identifierType) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PriceQuantity(@NotEmpty List<@NotNull @Valid Quantity> quantity,
                                @NotEmpty List<@NotNull @Valid Price> price) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Quantity(@NotNull @Positive BigDecimal value, Unit unit) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Price(@NotNull @Positive BigDecimal value, @NotNull @Valid CurrencyUnit unit) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Unit(@Size(max = 32) String financialUnit) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CurrencyUnit(@NotNull @CurrencyCode String currency) {
    }
}
