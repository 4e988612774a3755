-- Demo reference data for non-production profiles (dev, test, local: placeholder demoData=true).
-- Fixed: scripts, load tests and tests outside the code rely on these ids. In production
-- (demoData=false) this migration is recorded and does nothing. Idempotent: existing rows stay.
DO $demo$
BEGIN
  IF '${demoData}' = 'true' THEN
    INSERT INTO securities (security_id, isin, ric, currency, asset_class, exchange, status) VALUES
        ('US0378331005', 'US0378331005', 'AAPL.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US5949181045', 'US5949181045', 'MSFT.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US0231351067', 'US0231351067', 'AMZN.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US02079K3059', 'US02079K3059', 'GOOGL.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US30303M1027', 'US30303M1027', 'META.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US88160R1014', 'US88160R1014', 'TSLA.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US67066G1040', 'US67066G1040', 'NVDA.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US4781601046', 'US4781601046', 'JNJ.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US46625H1005', 'US46625H1005', 'JPM.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US9311421039', 'US9311421039', 'WMT.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US7427181091', 'US7427181091', 'PG.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US92826C8394', 'US92826C8394', 'V.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US57636Q1040', 'US57636Q1040', 'MA.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US4370761029', 'US4370761029', 'HD.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US1912161007', 'US1912161007', 'KO.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US7170811035', 'US7170811035', 'PFE.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US2546871060', 'US2546871060', 'DIS.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US4592001014', 'US4592001014', 'IBM.N', 'USD', 'EQUITY', 'XNYS', 'ACTIVE'),
        ('US4581401001', 'US4581401001', 'INTC.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('US17275R1023', 'US17275R1023', 'CSCO.O', 'USD', 'EQUITY', 'XNAS', 'ACTIVE'),
        ('DE0007164600', 'DE0007164600', 'SAPG.DE', 'EUR', 'EQUITY', 'XETR', 'ACTIVE'),
        ('FR0000120271', 'FR0000120271', 'TTEF.PA', 'EUR', 'EQUITY', 'XPAR', 'ACTIVE'),
        ('DE0007236101', 'DE0007236101', 'SIEGn.DE', 'EUR', 'EQUITY', 'XETR', 'ACTIVE'),
        ('FR0000121014', 'FR0000121014', 'LVMH.PA', 'EUR', 'EQUITY', 'XPAR', 'ACTIVE'),
        ('NL0010273215', 'NL0010273215', 'ASML.AS', 'EUR', 'EQUITY', 'XAMS', 'ACTIVE'),
        ('FR0000120578', 'FR0000120578', 'SASY.PA', 'EUR', 'EQUITY', 'XPAR', 'ACTIVE'),
        ('DE0008404005', 'DE0008404005', 'ALVG.DE', 'EUR', 'EQUITY', 'XETR', 'ACTIVE'),
        ('FR0000131104', 'FR0000131104', 'BNPP.PA', 'EUR', 'EQUITY', 'XPAR', 'ACTIVE'),
        ('ES0113900J37', 'ES0113900J37', 'SAN.MC', 'EUR', 'EQUITY', 'XMAD', 'ACTIVE'),
        ('IT0003128367', 'IT0003128367', 'ENEI.MI', 'EUR', 'EQUITY', 'XMIL', 'ACTIVE'),
        ('DE0005557508', 'DE0005557508', 'DTEGn.DE', 'EUR', 'EQUITY', 'XETR', 'ACTIVE'),
        ('FR0000120073', 'FR0000120073', 'AIRP.PA', 'EUR', 'EQUITY', 'XPAR', 'ACTIVE'),
        ('GB0005405286', 'GB0005405286', 'HSBA.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0007980591', 'GB0007980591', 'BP.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB00BP6MXD84', 'GB00BP6MXD84', 'SHEL.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0009895292', 'GB0009895292', 'AZN.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0002374006', 'GB0002374006', 'DGE.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB00B10RZP78', 'GB00B10RZP78', 'ULVR.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0007188757', 'GB0007188757', 'RIO.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0031348658', 'GB0031348658', 'BARC.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('GB0009252882', 'GB0009252882', 'GSK.L', 'GBP', 'EQUITY', 'XLON', 'ACTIVE'),
        ('JP3633400001', 'JP3633400001', '7203.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3435000009', 'JP3435000009', '6758.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3902900004', 'JP3902900004', '8306.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3436100006', 'JP3436100006', '9984.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3788600009', 'JP3788600009', '6501.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3756600007', 'JP3756600007', '7974.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3496400007', 'JP3496400007', '9433.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3890350006', 'JP3890350006', '8316.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE'),
        ('JP3802400006', 'JP3802400006', '6954.T', 'JPY', 'EQUITY', 'XTKS', 'ACTIVE')
    ON CONFLICT (security_id) DO NOTHING;

    -- ACC-001..ACC-020 across the three regions; ACC-020 is not straight-through eligible.
    INSERT INTO accounts (account_id, legal_entity, region, spread_bps, tenor_months, reset_frequency, straight_through, status)
    SELECT 'ACC-' || lpad(n::text, 3, '0'),
           (ARRAY['PB-US-LLC', 'PB-EU-SA', 'PB-APAC-PTE'])[1 + (n - 1) % 3],
           (ARRAY['us', 'emea', 'apac'])[1 + (n - 1) % 3],
           25 + 5 * n,
           12,
           'MONTHLY',
           n <> 20,
           'ACTIVE'
    FROM generate_series(1, 20) AS n
    ON CONFLICT (account_id) DO NOTHING;

    INSERT INTO books (book_id, desk, legal_entity, status)
    SELECT 'BOOK-' || lpad(n::text, 2, '0'),
           (ARRAY['DELTA-ONE', 'SWAPS-FLOW', 'PROGRAM-TRADING'])[1 + (n - 1) % 3],
           'PB-US-LLC',
           'ACTIVE'
    FROM generate_series(1, 10) AS n
    ON CONFLICT (book_id) DO NOTHING;
  END IF;
END
$demo$;
