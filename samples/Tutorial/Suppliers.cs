using Sharpgres;

namespace Tutorial;

/// <summary>
/// Seed 000, "PostgreSQL Python: Call Stored Procedures": the suppliers schema, the add_new_part PL/pgSQL procedure,
/// <c>CALL add_new_part(%s, %s)</c> with ("OLED", "LG") in a transaction block, and the three verification SELECTs.
/// </summary>
public static class Suppliers
{
    public static void Run(Printer p, ConnectionInfo database)
    {
        p.Say("the parts, vendors and vendor_parts tables of the suppliers database (from the tutorials before this one)");
        using (var conn = p.Using("conn", Pg.Connect(database)))
        using (var cur = p.Using("cur", conn.Cursor()))
        {
            p.Run(() => cur.Execute("CREATE TABLE parts (part_id SERIAL PRIMARY KEY, part_name VARCHAR(255) NOT NULL)"));
            p.Run(() => cur.Execute("CREATE TABLE vendors (vendor_id SERIAL PRIMARY KEY, vendor_name VARCHAR(255) NOT NULL)"));
            p.Run(() => cur.Execute("""
                CREATE TABLE vendor_parts (
                  vendor_id INTEGER NOT NULL REFERENCES vendors (vendor_id),
                  part_id INTEGER NOT NULL REFERENCES parts (part_id),
                  PRIMARY KEY (vendor_id, part_id))
                """));

            p.Say("1) Create a new stored procedure");
            p.Run(() => cur.Execute("""
                CREATE OR REPLACE PROCEDURE add_new_part(
                 new_part_name varchar,
                 new_vendor_name varchar
                )
                AS $$
                DECLARE
                 v_part_id INT;
                 v_vendor_id INT;
                BEGIN
                 -- insert into the parts table
                 INSERT INTO parts(part_name)
                 VALUES(new_part_name)
                 RETURNING part_id INTO v_part_id;

                 -- insert a new vendor
                 INSERT INTO vendors(vendor_name)
                 VALUES(new_vendor_name)
                 RETURNING vendor_id INTO v_vendor_id;

                 -- insert into vendor_parts
                 INSERT INTO vendor_parts(part_id, vendor_id)
                 VALUEs(v_part_id,v_vendor_id);

                END;
                $$
                LANGUAGE PLPGSQL;
                """));
            p.Show(() => cur.StatusMessage);
            p.Run(() => conn.Commit());
        }

        p.Say("2) add_part(\"OLED\", \"LG\"): call the procedure in a transaction block (psycopg's `with` blocks are `using` here)");
        using (var conn = p.Using("conn", Pg.Connect(database)))
        using (var cur = p.Using("cur", conn.Cursor()))
        {
            p.Run(() => conn.Transaction(tx =>
            {
                cur.Execute("CALL add_new_part(%s, %s)", "OLED", "LG");
            }));
            p.Show(() => cur.StatusMessage);
            p.Say("the block committed when the delegate returned; an exception inside would have rolled it back");
        }

        p.Say("4) Verify the result, from a new connection");
        using var other = p.Using("other", Pg.Connect(database));
        p.Show(() => other.Execute("SELECT * FROM parts").FetchAll());
        p.Show(() => other.Execute("SELECT * FROM vendors").FetchAll());
        p.Show(() => other.Execute("SELECT * FROM vendor_parts").FetchAll());
    }
}
