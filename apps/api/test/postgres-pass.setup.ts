// Jest setup of the `api-e2e-postgres` project: the API e2e suite again, on PostgreSQL.
process.env.SWITCHBOARD_TEST_DATABASE = 'postgres';
