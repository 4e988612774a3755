-- The demo reference data of postgresql/V2 is for the dev, test and local profiles, which run on
-- PostgreSQL. A SQL Server store is a production one: its reference data is loaded through the
-- admin API. This migration keeps the version numbers of both kinds in step and does nothing.
SELECT 1;
GO
