"""The answers the Diversity Information Form offers (ONS 2021 categories for England and Wales).
The answers are used only to make adjustments and to check that outcomes are fair, never to decide
anything about the person."""

ETHNICITIES = (
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Gypsy or Irish Traveller",
    "White: Roma",
    "White: any other White background",
    "Mixed: White and Black Caribbean",
    "Mixed: White and Black African",
    "Mixed: White and Asian",
    "Mixed: any other Mixed or multiple ethnic background",
    "Asian or Asian British: Indian",
    "Asian or Asian British: Pakistani",
    "Asian or Asian British: Bangladeshi",
    "Asian or Asian British: Chinese",
    "Asian or Asian British: any other Asian background",
    "Black or Black British: Caribbean",
    "Black or Black British: African",
    "Black or Black British: any other Black background",
    "Other ethnic group: Arab",
    "Other ethnic group: any other ethnic group",
    "Prefer not to say",
)
RELIGIONS = (
    "No religion",
    "Christian",
    "Muslim",
    "Hindu",
    "Sikh",
    "Buddhist",
    "Jewish",
    "Rastafarian",
    "Pagan",
    "Any other religion",
    "Prefer not to say",
)
SEXUAL_ORIENTATIONS = (
    "Straight or heterosexual",
    "Gay or lesbian",
    "Bisexual",
    "Another sexual orientation",
    "Prefer not to say",
)
# The form's questions, as the record names them.
QUESTIONS = (
    "ethnicity",
    "religion_or_belief",
    "disability",
    "neurodiversity",
    "gender_identity",
    "sexual_orientation",
    "first_language",
    "interpreter_required",
)
CHOSEN_FROM = {"ethnicity": ETHNICITIES, "religion_or_belief": RELIGIONS, "sexual_orientation": SEXUAL_ORIENTATIONS}
