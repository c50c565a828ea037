-- One role and one database per service; no service can connect to another's database.
CREATE ROLE demand LOGIN PASSWORD 'demand';
CREATE DATABASE demand OWNER demand;
REVOKE CONNECT ON DATABASE demand FROM PUBLIC;
CREATE ROLE sourcing LOGIN PASSWORD 'sourcing';
CREATE DATABASE sourcing OWNER sourcing;
REVOKE CONNECT ON DATABASE sourcing FROM PUBLIC;
CREATE ROLE trader_gateway LOGIN PASSWORD 'trader_gateway';
CREATE DATABASE trader_gateway OWNER trader_gateway;
REVOKE CONNECT ON DATABASE trader_gateway FROM PUBLIC;
CREATE ROLE inventory LOGIN PASSWORD 'inventory';
CREATE DATABASE inventory OWNER inventory;
REVOKE CONNECT ON DATABASE inventory FROM PUBLIC;
