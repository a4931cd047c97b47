using Bogus;
using Sharpgres;
using Sharpgres.Errors;

namespace Tutorial;

/// <summary>Each tutorial in its own fresh database, printing the C# line and what it shows.</summary>
internal sealed class Walkthroughs(string adminConninfo)
{
    private ConnectionInfo FreshDatabase(string name)
    {
        using var admin = Pg.Connect(adminConninfo, autocommit: true);
        admin.Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        admin.Execute($"CREATE DATABASE {name}");
        return ConnectionInfo.Parse(adminConninfo).With("dbname", name);
    }

    private static void Step(string code, object? shows = null)
    {
        Console.WriteLine($">>> {code}");
        if (shows is not null) Console.WriteLine(shows);
    }

    private static string Rows<T>(IEnumerable<T> rows) => "[" + string.Join(", ", rows) + "]";

    public void Suppliers()
    {
        Console.WriteLine("== suppliers: call a stored procedure (seed 000) ==");
        var info = FreshDatabase("suppliers");
        using var conn = Pg.Connect(info);
        using (var cur = conn.Cursor())
        {
            cur.Execute("CREATE TABLE parts (part_id SERIAL PRIMARY KEY, part_name VARCHAR(255) NOT NULL)");
            cur.Execute("CREATE TABLE vendors (vendor_id SERIAL PRIMARY KEY, vendor_name VARCHAR(255) NOT NULL)");
            cur.Execute("CREATE TABLE vendor_parts (vendor_id INTEGER NOT NULL, part_id INTEGER NOT NULL, PRIMARY KEY (vendor_id, part_id))");
            cur.Execute("""
                CREATE OR REPLACE PROCEDURE add_new_part(new_part_name varchar, new_vendor_name varchar)
                AS $$
                DECLARE v_part_id INT; v_vendor_id INT;
                BEGIN
                  INSERT INTO parts(part_name) VALUES(new_part_name) RETURNING part_id INTO v_part_id;
                  INSERT INTO vendors(vendor_name) VALUES(new_vendor_name) RETURNING vendor_id INTO v_vendor_id;
                  INSERT INTO vendor_parts(part_id, vendor_id) VALUEs(v_part_id, v_vendor_id);
                END;
                $$ LANGUAGE PLPGSQL;
                """);
            conn.Commit();
            Step("created parts, vendors, vendor_parts and the add_new_part procedure");
        }
        conn.Transaction(tx => conn.Cursor().Execute("CALL add_new_part(%s, %s)", "OLED", "LG"));
        Step("conn.Transaction(tx => cur.Execute(\"CALL add_new_part(%s, %s)\", \"OLED\", \"LG\"))");
        foreach (var table in new[] { "parts", "vendors", "vendor_parts" })
            Step($"cur.Execute(\"SELECT * FROM {table}\").FetchAll()", Rows(conn.Execute($"SELECT * FROM {table}").FetchAll()));
        conn.Commit();
    }

    public void Guide()
    {
        Console.WriteLine("== guide: accessing PostgreSQL with psycopg (seed 001) ==");
        var info = FreshDatabase("guide");
        using var conn = Pg.Connect(info);
        var cur = conn.Cursor();
        cur.Execute("SELECT * FROM pg_timezone_names");
        Step("cur.Execute(\"SELECT * FROM pg_timezone_names\"); cur.RowCount", cur.RowCount);
        Step("cur.RowNumber", cur.RowNumber);
        Step("cur.FetchOne()", cur.FetchOne());
        Step("cur.RowNumber", cur.RowNumber);
        Step("cur.FetchMany(2)", Rows(cur.FetchMany(2)));
        Step("cur.FetchAll().Count", cur.FetchAll().Count);
        Step("cur.RowNumber", cur.RowNumber);

        cur.Execute("CREATE TABLE test_table (my_id SERIAL PRIMARY KEY, my_name VARCHAR(20), my_number INTEGER, my_float FLOAT, my_date DATE, my_timestamp TIMESTAMP, my_timestamp_tz TIMESTAMPTZ, my_time TIME, my_json JSON, my_jsonb JSONB )");
        Step("cur.Execute(\"CREATE TABLE test_table (...)\")");
        cur.Execute("ALTER TABLE test_table ADD COLUMN new_name VARCHAR(100)");
        cur.Execute("ALTER TABLE test_table DROP COLUMN new_name ");
        Step("ALTER TABLE test_table ADD COLUMN new_name / DROP COLUMN new_name");
        var pyName = "first'last%s"; var pyNumber = 1234; var pyFloat = 3.14;
        cur.Execute("INSERT INTO test_table (my_name, my_number, my_float) VALUES (%s, %s, %s)", pyName, pyNumber, pyFloat);
        Step("cur.Execute(\"INSERT INTO test_table (my_name, my_number, my_float) VALUES (%s, %s, %s)\", pyName, pyNumber, pyFloat)", cur.StatusMessage);
        cur.Execute("INSERT INTO test_table (my_name, my_number) VALUES (%(param_name)s, %(param_number)s)", new { param_number = pyNumber, param_name = pyName });
        Step("cur.Execute(\"... VALUES (%(param_name)s, %(param_number)s)\", new { param_number = pyNumber, param_name = pyName })", cur.StatusMessage);
        cur.Execute("INSERT INTO test_table (my_name) VALUES (%s) RETURNING my_id", pyName);
        Step("cur.Execute(\"INSERT INTO test_table (my_name) VALUES (%s) RETURNING my_id\", pyName); cur.FetchOne()", cur.FetchOne());
        cur.Execute("SELECT my_id, my_name, my_number, my_float FROM test_table");
        Step("cur.Execute(\"SELECT ... FROM test_table\"); cur.FetchAll()", Rows(cur.FetchAll()));

        using (var other = Pg.Connect(info, autocommit: true))
        {
            try { other.Execute("SELECT * FROM test_table"); }
            catch (UndefinedTable e) { Step("another connection, before Commit: SELECT * FROM test_table", $"{e.GetType().Name}: {e.Message}"); }
            conn.Commit();
            Step("conn.Commit(); another connection: SELECT count(*) FROM test_table", other.Execute("SELECT count(*) FROM test_table").FetchOne());
        }

        cur.Execute("INSERT INTO test_table (my_name ) VALUES (%s)", "new name");
        cur.Execute("SELECT * FROM test_table WHERE my_name = (%s)", "new name");
        Step("inserted 'new name'; cur.FetchOne() is null?", cur.FetchOne() is null);
        conn.Rollback();
        cur.Execute("SELECT * FROM test_table WHERE my_name = (%s)", "new name");
        Step("conn.Rollback(); cur.FetchOne() is null?", cur.FetchOne() is null);

        try { cur.Execute("SELECT * FROM test_table1"); }
        catch (UndefinedTable e) { Step("cur.Execute(\"SELECT * FROM test_table1\")", $"Sharpgres.Errors.{e.GetType().Name}: {e.Message}"); }
        try { cur.Execute("SELECT * FROM test_table"); }
        catch (InFailedSqlTransaction e) { Step("cur.Execute(\"SELECT * FROM test_table\")", $"Sharpgres.Errors.{e.GetType().Name}: {e.Message}"); }
        conn.Rollback();
        cur.Execute("SELECT count(*) FROM test_table");
        Step("conn.Rollback(); cur.Execute(\"SELECT count(*) FROM test_table\").FetchOne()", cur.FetchOne());
    }

    public void People()
    {
        Console.WriteLine("== people: PostgreSQL in Python using psycopg2 (seed 002) ==");
        var info = FreshDatabase("people_db");
        var iniDir = Directory.CreateTempSubdirectory("sharpgres-tutorial-");
        try
        {
            var ini = Path.Combine(iniDir.FullName, "db_info.ini");
            File.WriteAllText(ini, "[postgres-sample-db]\n" + string.Join("\n", info.Values.Select(kv => $"{kv.Key}={kv.Value}")) + "\n");
            var dbInfo = ConnectionInfo.FromIniFile(ini, "postgres-sample-db");
            Step("var dbInfo = ConnectionInfo.FromIniFile(\"db_info.ini\", \"postgres-sample-db\")", dbInfo);

            try { Pg.Connect(dbInfo.With("password", "wrong-password")); }
            catch (OperationalError e) { Step("Pg.Connect(dbInfo.With(\"password\", \"wrong-password\"))", $"OperationalError: {e.Message}"); }
            try { Pg.Connect(dbInfo.With("dbname", "test1")); }
            catch (OperationalError e) { Step("Pg.Connect(dbInfo.With(\"dbname\", \"test1\"))", $"OperationalError: {e.Message}"); }

            using var db = Pg.Connect(dbInfo);
            Console.WriteLine("Successfully connected to the database.");
            db.Autocommit = true;
            using var cur = db.Cursor();
            cur.Execute("""
                CREATE TABLE people(
                id SERIAL PRIMARY KEY,
                name varchar(50) NOT NULL,
                city varchar(40),
                profession varchar(60));
                """);
            const string insert = "INSERT INTO people (name,city,profession) VALUES (%s, %s, %s);";
            cur.Execute(insert, "Jane Lee", "Rustmore", "Rust programmer");
            Step("cur.Execute(insertRecord, \"Jane Lee\", \"Rustmore\", \"Rust programmer\")", cur.StatusMessage);

            Randomizer.Seed = new Random(42);
            var faker = new Faker();
            for (var i = 0; i < 100; i++)
                cur.Execute(insert, faker.Name.FullName(), faker.Address.City(), faker.Name.JobTitle());
            Step("100 fake records (Bogus, seed 42) inserted");

            cur.Execute("SELECT * FROM people;");
            Step("cur.Execute(\"SELECT * FROM people;\"); cur.FetchOne()", cur.FetchOne());
            Console.WriteLine(">>> foreach (var record in cur.FetchMany(10)) Console.WriteLine(record)");
            foreach (var record in cur.FetchMany(10)) Console.WriteLine(record);
            Step("cur.FetchAll().Count", cur.FetchAll().Count);

            cur.Execute("SELECT city, COUNT(*) FROM people GROUP BY city HAVING COUNT(*)>1;");
            var repeated = cur.FetchAll();
            Step("cur.Execute(getCount); cur.FetchAll()", Rows(repeated));
            foreach (var row in repeated)
            {
                cur.Execute("UPDATE people SET city=%s WHERE city=%s", "Mathville", row[0]);
                Step($"cur.Execute(\"UPDATE people SET city=%s WHERE city=%s\", \"Mathville\", {row[0]}); cur.RowCount", cur.RowCount);
            }
            cur.Execute("DELETE FROM people WHERE city=%s;", "Mathville");
            Step("cur.Execute(\"DELETE FROM people WHERE city=%s;\", \"Mathville\"); cur.RowCount", cur.RowCount);
        }
        finally
        {
            iniDir.Delete(recursive: true);
            Console.WriteLine("Closed connection.");
        }
    }
}
