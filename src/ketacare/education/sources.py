"""The sources the patient pages cite, as a patient can follow them: who, what, where.

Keys are those of docs/clinical-rules.md and docs/pharmacology.md (the domain files'), so a
reviewer finds the same source behind a page as behind the code's rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    url: str


SOURCES = {
    source.key: source
    for source in (
        Source("P13", "Zanos P et al. Ketamine and ketamine metabolite pharmacology. "
               "Pharmacological Reviews 2018", "https://pmc.ncbi.nlm.nih.gov/articles/PMC6020109/"),
        Source("P27", "Kishimoto T et al. Single-dose infusion ketamine and non-ketamine "
               "NMDA antagonists for unipolar and bipolar depression: a meta-analysis. "
               "Psychological Medicine 2016", "https://pmc.ncbi.nlm.nih.gov/articles/PMC5116384"),
        Source("P28", "Han Y et al. Efficacy of ketamine in the rapid treatment of major "
               "depressive disorder: a meta-analysis. Neuropsychiatric Disease and Treatment 2016",
               "https://pmc.ncbi.nlm.nih.gov/articles/PMC5098773"),
        Source("K1", "Andrade C. Ketamine for depression, 4: in what dose, at what rate, by "
               "what route, for how long, and at what frequency? J Clin Psychiatry 2017",
               "https://doi.org/10.4088/JCP.17f11738"),
        Source("K6", "Murrough JW et al. Rapid and longer-term antidepressant effects of "
               "repeated ketamine infusions. Biological Psychiatry 2013",
               "https://avyia.com/rapid-and-longer-term-antidepressant-effects-of-repeated-ketamine-infusions-in-treatment-resistant-major-depression/"),
        Source("K7", "Sanacora G et al. A consensus statement on the use of ketamine in the "
               "treatment of mood disorders. JAMA Psychiatry 2017",
               "https://doi.org/10.1001/jamapsychiatry.2017.0080"),
        Source("S1", "SPRAVATO (esketamine) prescribing information, sections 5 and 17",
               "http://www.120ty.net/bencandy.php?aid=58243&fid=134&page=5"),
        Source("S3", "Spravato drug monograph, Oncology Nurse Advisor",
               "https://www.oncologynurseadvisor.com/drug/spravato/"),
        Source("S4", "SPRAVATO dosing for treatment-resistant depression (Janssen)",
               "https://www.spravatohcp.com/dosing-spravato-trd"),
        Source("S5", "Esketamine safety data, U.S. Medicine 2021",
               "https://www.usmedicine.com/2021online-dir/inc/html/30.html"),
        Source("S13", "FDA National Drug Code directory: esketamine and ketamine listings "
               "(DEA schedule III)",
               "https://api.fda.gov/drug/ndc.json?search=product_ndc%3A%2250458-028%22"),
        Source("H1", "Mindbloom: the Peer Treatment Monitor (sitter) at home sessions",
               "https://help-center.mindbloom.com/en/articles/8895286-do-i-need-a-peer-treatment-monitor-ptm"),
        Source("H9", "Innerwell: how we keep you safe; the role of a sitter",
               "https://helloinnerwell.com/reflections/how-we-keep-you-safe-at-innerwell"),
        Source("H11", "FDA: potential risks of compounded ketamine (2023)",
               "https://www.fda.gov/drugs/human-drug-compounding/fda-alerts-health-care-professionals-potential-risks-associated-compounded-ketamine-nasal-spray"),
        Source("N4", "988 Suicide & Crisis Lifeline (SAMHSA)", "https://988lifeline.org"),
        Source("Q1", "Kroenke K et al. The PHQ-9: validity of a brief depression severity "
               "measure. J Gen Intern Med 2001",
               "https://studylib.net/doc/25788761/kroenke2001-article-thephq-9"),
        Source("Q3", "Simon GE et al. Does response on the PHQ-9 predict subsequent suicide "
               "attempt or suicide death? Psychiatric Services 2013",
               "https://psychiatryonline.org/doi/full/10.1176/appi.ps.201200587"),
        Source("Q4", "Spitzer RL et al. A brief measure for assessing generalized anxiety "
               "disorder: the GAD-7. Arch Intern Med 2006",
               "https://doi.org/10.1001/archinte.166.10.1092"),
        Source("Q5", "PCL-5 scoring and interpretation (Comorbidity Guidelines)",
               "https://comorbidityguidelines.org.au/appendix-s-ptsd-checklist-for-dsm5-pcl5/pcl5-scoring-and-interpretation"),
        Source("Q9", "CADSS and BPRS as used in ketamine trials (NCT04226963)",
               "https://inclinicaltrials.com/major-depressive-disorder/NCT04226963/details"),
        Source("T4", "Treatment response criteria: a 50% reduction from baseline (IJPP article)",
               "https://www.ijiapp.com/abstractArticleContentBrowse/IJPP/17985/JPJ/fullText"),
    )
}  # fmt: skip


def cited(keys: tuple[str, ...]) -> list[Source]:
    return [SOURCES[key] for key in keys]
