using Bogus;

namespace Tutorial;

/// <summary>
/// The tutorial's fake_data.py with Bogus instead of Faker: (name, city, job) records, seeded for reproducibility.
/// Cities are "&lt;prefix&gt; &lt;last name&gt;" (North Ledner, Port Windler ...), a pool small enough for a city
/// to repeat in 100 records, as Johnsonmouth did in the tutorial: with seed 42 (Bogus 34.0.2) exactly one repeats.
/// Bogus' own Address.City() draws from so many names that none repeats, leaving the GROUP BY ... HAVING step empty.
/// </summary>
public static class FakeData
{
    public static IReadOnlyList<(string Name, string City, string Job)> Generate(int count, int seed = 42)
    {
        var fake = new Faker { Random = new Randomizer(seed) };
        var records = new List<(string, string, string)>(count);
        for (var i = 0; i < count; i++)
            records.Add((fake.Name.FullName(), $"{fake.Address.CityPrefix()} {fake.Name.LastName()}", fake.Name.JobTitle()));
        if (records.GroupBy(r => r.Item2).All(g => g.Count() == 1))
            throw new InvalidOperationException($"no city repeats in {count} records with seed {seed}: the UPDATE and DELETE steps need one");
        return records;
    }
}
