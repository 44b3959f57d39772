"""KetaCare pharmacology engine: ketamine / esketamine PK-PD, populations, response model.

Plain NumPy/SciPy, no Django. Every parameter cites ``shared/domain/pharmacology.md``;
see ``docs/pharmacology.md`` for the models, their sources and limits.

Public entry points (what the web layer calls):

- ``regimen``: ``Dose``, ``Regimen``, ``single_dose``, ``repeated``, ``named_regimen``
- ``pk.simulate_pk(regimen, weight_kg, hours=..)`` -> ``PKCurve`` (plasma, effect site,
  noresketamine, Cmax, Tmax, AUC, time in the dissociation window)
- ``pk.simulate_population(regimen, n, seed, weight_kg, ..)`` -> 5/50/95 bands
- ``pk.population_exposure(..)`` -> per-patient exposure of large populations
- ``forecast.forecast_patient(regimen, weight_kg, days, scores)`` -> ``Forecast``
  (band of the coming weeks and ``booster_due_day``)
- ``trial.run_virtual_trial(name, n, seed)`` -> response/remission after a regimen
- ``plots.plot_pk`` / ``plots.plot_forecast`` -> PNG or SVG files
"""
