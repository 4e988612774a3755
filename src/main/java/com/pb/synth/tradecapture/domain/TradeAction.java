package com.pb.synth.tradecapture.domain;

/** CDM trade-entry actions. */
public enum TradeAction {
    NEW, CORRECT, CANCEL
}
