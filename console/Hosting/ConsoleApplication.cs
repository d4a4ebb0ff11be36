using ClassroomGuard.Console.Health;
using ClassroomGuard.Storage.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Hosting;

/// <summary>Builds the console web application: configuration, storage, HTTPS endpoint, sign-in and pages, health.</summary>
internal static class ConsoleApplication
{
    public static WebApplication Build(string[] args)
    {
        // Content root = the program's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddClassroomGuardSources(args);
        builder.Services.AddClassroomGuardStorage(builder.Configuration);
        builder.Services.AddHostedService<StatePruningService>();
        builder.Services.AddOptions<ConsoleOptions>()
            .BindConfiguration(ConsoleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.WebHost.ConfigureKestrel(kestrel =>
            ListenEndpoint.Configure(kestrel, kestrel.ApplicationServices.GetRequiredService<IOptions<ConsoleOptions>>().Value));
        builder.Services.AddApplicationServices();
        builder.Services.AddHealthChecks()
            .AddCheck<StateHealthCheck>("state")
            .AddCheck<TimeSeriesHealthCheck>("timeseries")
            .AddCheck<ListsHealthCheck>("lists")
            .AddCheck<UpstreamsHealthCheck>("upstreams");

        var app = builder.Build();
        ApplicationServices.EnsureKeyFolder(app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value);
        app.UseConsoleUi();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                // Without InfluxDB the appliance still filters and spools series: degraded, not down.
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous(); // set-up and monitoring probe it without signing in; it reveals no detail

        return app;
    }
}
