package com.pb.synth.tradecapture.domain.rules;

import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.domain.Trade;

/** What a rule's criteria can read: the trade and its reference data (any of which may be missing). */
public record RuleContext(Trade trade, Security security, Account account, Book book) {
}
