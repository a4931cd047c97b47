using System.Globalization;
using System.Text;
using Sharpgres.Benchmarks.Interleaved;

namespace Sharpgres.Benchmarks;

/// <summary>
/// docs/benchmarks.svg: per workload the quiet ratio Sharpgres / Npgsql as a bar with the min–max of its rounds and
/// the target as a tick, the client-CPU ratio beside it; below, the curves (latency against concurrency, throughput
/// against row width, peak memory against result size), both drivers on each.
/// </summary>
internal static class ReportChart
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string SharpgresColor = "#1565c0";
    private const string NpgsqlColor = "#ef6c00";

    public static string Svg(RunResult run, List<MemoryProbe.Figure> memory)
    {
        var rows = run.Workloads.Where(w => w.Group == "table").Select(w => Report.Comparison.Of(w, Report.CoresOf(run))).Where(c => c is not null).Select(c => c!).ToList();
        const int labelWidth = 300, ratioLeft = 310, ratioWidth = 360, cpuLeft = 760, cpuWidth = 200, top = 56, barHeight = 16, gap = 8;
        var maxRatio = Math.Max(2.0, Math.Ceiling(rows.Select(c => Math.Max(c.Ratios.Max(), double.IsNaN(c.W.Target) ? 0 : c.W.Target)).DefaultIfEmpty(1).Max() * 2 + 0.3) / 2);
        var maxCpu = Math.Max(1.5, Math.Ceiling(rows.Select(c => c.CpuRatio).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max() * 2 + 0.3) / 2);
        var tableHeight = top + rows.Count * (barHeight + gap) + 30;
        const int curveHeight = 230;
        var width = cpuLeft + cpuWidth + 40;
        var sb = new StringBuilder();
        sb.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{tableHeight + curveHeight + 20}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine("  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine($"  <text x=\"{ratioLeft}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Throughput, Sharpgres / Npgsql ({Escape(run.Condition)}; above 1.0: Sharpgres faster)</text>");
        sb.AppendLine($"  <text x=\"{ratioLeft}\" y=\"36\" fill=\"#555\">bar: median of {run.Rounds} interleaved rounds; whisker: min–max; dotted tick: target</text>");
        sb.AppendLine($"  <text x=\"{cpuLeft}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Client CPU per unit, S / N</text>");
        sb.AppendLine($"  <text x=\"{cpuLeft}\" y=\"36\" fill=\"#555\">below 1.0: Sharpgres uses less</text>");
        double Xr(double v) => ratioLeft + Math.Min(v, maxRatio) / maxRatio * ratioWidth;
        double Xc(double v) => cpuLeft + Math.Min(v, maxCpu) / maxCpu * cpuWidth;
        var bottom = top + rows.Count * (barHeight + gap);
        for (var v = 0.0; v <= maxRatio + 1e-9; v += 0.5) Grid(sb, Xr(v), top - 6, bottom, v);
        for (var v = 0.0; v <= maxCpu + 1e-9; v += 0.5) Grid(sb, Xc(v), top - 6, bottom, v);
        for (var i = 0; i < rows.Count; i++)
        {
            var c = rows[i];
            var y = top + i * (barHeight + gap);
            var color = double.IsNaN(c.W.Target) ? "#90a4ae" : c.Met ? "#2e7d32" : c.Ratio >= 1.0 ? "#f9a825" : "#c62828";
            sb.AppendLine($"  <text x=\"{labelWidth}\" y=\"{y + 12}\" text-anchor=\"end\">{Escape(c.W.Name)}{(c.Unstable ? " ⚠" : "")}</text>");
            sb.AppendLine($"  <rect x=\"{ratioLeft}\" y=\"{y}\" width=\"{F(Xr(c.Ratio) - ratioLeft)}\" height=\"{barHeight}\" fill=\"{color}\"><title>{Escape(c.W.Name)}: {c.Ratio:0.00} ({c.Ratios.Min():0.00}–{c.Ratios.Max():0.00})</title></rect>");
            var mid = y + barHeight / 2;
            sb.AppendLine($"  <line x1=\"{F(Xr(c.Ratios.Min()))}\" y1=\"{mid}\" x2=\"{F(Xr(c.Ratios.Max()))}\" y2=\"{mid}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            sb.AppendLine($"  <line x1=\"{F(Xr(c.Ratios.Min()))}\" y1=\"{y + 3}\" x2=\"{F(Xr(c.Ratios.Min()))}\" y2=\"{y + barHeight - 3}\" stroke=\"#222\"/>");
            sb.AppendLine($"  <line x1=\"{F(Xr(c.Ratios.Max()))}\" y1=\"{y + 3}\" x2=\"{F(Xr(c.Ratios.Max()))}\" y2=\"{y + barHeight - 3}\" stroke=\"#222\"/>");
            if (!double.IsNaN(c.W.Target))
                sb.AppendLine($"  <line x1=\"{F(Xr(c.W.Target))}\" y1=\"{y - 2}\" x2=\"{F(Xr(c.W.Target))}\" y2=\"{y + barHeight + 2}\" stroke=\"#333\" stroke-dasharray=\"2,2\"/>");
            sb.AppendLine($"  <text x=\"{F(Xr(c.Ratios.Max()) + 4)}\" y=\"{y + 12}\">{c.Ratio:0.00}</text>");
            if (!double.IsNaN(c.CpuRatio))
            {
                var cpuColor = c.CpuRatio <= 1.0 ? "#2e7d32" : "#c62828";
                sb.AppendLine($"  <rect x=\"{cpuLeft}\" y=\"{y + 2}\" width=\"{F(Xc(c.CpuRatio) - cpuLeft)}\" height=\"{barHeight - 4}\" fill=\"{cpuColor}\" opacity=\"0.7\"/>");
                sb.AppendLine($"  <text x=\"{F(Xc(c.CpuRatio) + 4)}\" y=\"{y + 12}\">{c.CpuRatio:0.00}</text>");
            }
        }
        sb.AppendLine($"  <line x1=\"{F(Xr(1))}\" y1=\"{top - 8}\" x2=\"{F(Xr(1))}\" y2=\"{bottom}\" stroke=\"black\" stroke-width=\"2\"/>");
        sb.AppendLine($"  <line x1=\"{F(Xc(1))}\" y1=\"{top - 8}\" x2=\"{F(Xc(1))}\" y2=\"{bottom}\" stroke=\"black\" stroke-width=\"2\"/>");
        sb.AppendLine($"  <text x=\"{ratioLeft}\" y=\"{bottom + 30}\" fill=\"#555\">green: target met; amber: faster but short of it; red: slower; grey: context</text>");

        // The curves, three panels side by side.
        var curveTop = tableHeight + 10;
        var panel = (width - 60) / 3;
        var concurrency = run.Workloads.Where(w => w.Group == "concurrency").ToList();
        var pooled = run.Workloads.Where(w => w.Group == "pool").ToList();
        LineChart(sb, 30, curveTop, panel - 30, curveHeight - 60, pooled.Count > 0 ? "p50 latency (µs) vs tasks" : "p50 latency (µs) vs connections", logX: true,
            Series(concurrency, Drivers.Sharpgres, f => f.P50) with { Name = "Sharpgres, own connections" },
            Series(concurrency, Drivers.Npgsql, f => f.P50) with { Name = "Npgsql, own connections" },
            Series(pooled, Drivers.Sharpgres, f => f.P50) with { Name = $"Sharpgres, pool of {Curves.PoolSize}", Color = "#64b5f6" },
            Series(pooled, Drivers.Npgsql, f => f.P50) with { Name = $"Npgsql, pool of {Curves.PoolSize}", Color = "#ffb74d" });
        var width_ = run.Workloads.Where(w => w.Group == "width").ToList();
        LineChart(sb, 30 + panel, curveTop, panel - 30, curveHeight - 60, "fetch MB/s vs bytes per row", logX: true,
            Series(width_, Drivers.Sharpgres, (f, w) => f.Rate * w.X / 1e6), Series(width_, Drivers.Npgsql, (f, w) => f.Rate * w.X / 1e6));
        var memorySeries = memory.GroupBy(f => f.Variant)
            .Select((g, i) => (Name: MemoryProbe.Describe(g.Key), Color: g.Key.StartsWith("sharpgres", StringComparison.Ordinal) ? (i % 2 == 0 ? SharpgresColor : "#64b5f6") : (i % 2 == 0 ? NpgsqlColor : "#ffb74d"),
                Points: g.OrderBy(f => f.Rows).Select(f => ((double)f.Rows, f.PeakBytes / 1048576.0)).ToList()))
            .ToArray();
        LineChart(sb, 30 + 2 * panel, curveTop, panel - 30, curveHeight - 60, "peak working set (MB) vs rows", logX: true, memorySeries);
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static (string Name, string Color, List<(double X, double Y)> Points) Series(List<WorkloadResult> points, string driver,
        Func<Report.Figures, double> y) => Series(points, driver, (f, _) => y(f));

    private static (string Name, string Color, List<(double X, double Y)> Points) Series(List<WorkloadResult> points, string driver,
        Func<Report.Figures, WorkloadResult, double> y) =>
        (driver, driver == Drivers.Sharpgres ? SharpgresColor : NpgsqlColor,
            points.Select(w => (w, s: w.Sides.FirstOrDefault(s => s.Driver == driver))).Where(x => x.s is not null)
                .Select(x => (x.w.X, y(Report.Figures.Of(x.s!), x.w))).Where(p => !double.IsNaN(p.Item2)).ToList());

    private static void LineChart(StringBuilder sb, double left, double top, double width, double height, string title, bool logX,
        params (string Name, string Color, List<(double X, double Y)> Points)[] series)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        sb.AppendLine($"  <text x=\"{F(left)}\" y=\"{F(top)}\" font-weight=\"bold\">{Escape(title)}</text>");
        if (all.Count == 0) return;
        var plotTop = top + 14;
        double minX = all.Min(p => p.X), maxX = all.Max(p => p.X), maxY = all.Max(p => p.Y) * 1.1;
        if (maxX <= minX) maxX = minX + 1;
        double X(double v) => left + (logX ? (Math.Log(v) - Math.Log(minX)) / (Math.Log(maxX) - Math.Log(minX)) : (v - minX) / (maxX - minX)) * width;
        double Y(double v) => plotTop + height - v / maxY * height;
        sb.AppendLine($"  <rect x=\"{F(left)}\" y=\"{F(plotTop)}\" width=\"{F(width)}\" height=\"{F(height)}\" fill=\"none\" stroke=\"#ccc\"/>");
        foreach (var x in all.Select(p => p.X).Distinct())
            sb.AppendLine($"  <text x=\"{F(X(x))}\" y=\"{F(plotTop + height + 14)}\" text-anchor=\"middle\" fill=\"#555\" font-size=\"10\">{Short(x)}</text>");
        for (var i = 0; i <= 2; i++)
        {
            var v = maxY * i / 2;
            sb.AppendLine($"  <text x=\"{F(left - 3)}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\" fill=\"#555\" font-size=\"10\">{Short(v)}</text>");
        }
        var legendY = plotTop + height + 30;
        var legendX = left;
        foreach (var s in series)
        {
            if (s.Points.Count == 0) continue;
            var path = string.Join(" ", s.Points.OrderBy(p => p.X).Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"));
            sb.AppendLine($"  <polyline points=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"/>");
            foreach (var p in s.Points) sb.AppendLine($"  <circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"2.5\" fill=\"{s.Color}\"/>");
            sb.AppendLine($"  <text x=\"{F(legendX)}\" y=\"{F(legendY)}\" fill=\"{s.Color}\" font-size=\"10\">{Escape(s.Name)}</text>");
            legendY += 12;
        }
    }

    private static void Grid(StringBuilder sb, double x, double y1, double y2, double v)
    {
        sb.AppendLine($"  <line x1=\"{F(x)}\" y1=\"{F(y1)}\" x2=\"{F(x)}\" y2=\"{F(y2)}\" stroke=\"#e5e5e5\"/>");
        sb.AppendLine($"  <text x=\"{F(x)}\" y=\"{F(y2 + 14)}\" text-anchor=\"middle\" fill=\"#555\" font-size=\"10\">{v.ToString("0.0", Inv)}</text>");
    }

    private static string Short(double v) =>
        v >= 1e6 ? (v / 1e6).ToString("0.#", Inv) + "M" : v >= 1e3 ? (v / 1e3).ToString("0.#", Inv) + "k" : v.ToString(v >= 10 ? "0" : "0.#", Inv);

    private static string F(double v) => v.ToString("0.#", Inv);

    private static string Escape(string s) => Report.Escape(s);
}
