"""Accessibilité: the accessibility statement (RGAA 4.1), with the palette's contrasts computed live."""

import streamlit as st

from territorial.content.contrast import MIN_GRAPHIC_CONTRAST
from territorial.core.fmt import fr_float, plural
from territorial.ui import cached_views, data
from territorial.ui.router import ensure_routed

ensure_routed()
contrasts = cached_views.contrast_table(data.programme().definition)

st.title("Accessibilité")
st.markdown(
    "Le programme s'engage à rendre ce tableau de bord accessible conformément à l'article 47 de la loi "
    "n° 2005-102 du 11 février 2005. Référentiel visé : **RGAA 4.1**, niveau **AA** (WCAG 2.1 AA)."
)

st.header("État de conformité")
st.markdown(
    "Le tableau de bord **n'a pas encore fait l'objet d'un audit** de conformité. En l'absence d'audit, "
    "il est, au sens du RGAA, **non conforme**. Ce qui suit décrit honnêtement ce qui est fait, ce qui ne "
    "l'est pas encore, et les contournements proposés."
)

st.header("Ce qui est fait")
st.markdown(
    "- **Alternatives textuelles des cartes** : chaque carte est précédée d'une phrase qui dit ce qu'elle "
    "montre (nombre de territoires, population, effectif de chaque classe de la légende) et accompagnée du "
    "tableau des territoires, qui donne les mêmes informations que la carte : sur la vue d'ensemble et la "
    "page Segments, un vrai tableau HTML (légende, en-têtes de colonnes et de lignes), lisible par les "
    "lecteurs d'écran.\n"
    "- **L'information ne passe jamais par la couleur seule** : les légendes portent des libellés et des "
    "effectifs, les niveaux d'activation sont écrits en toutes lettres (« émergent », « engagé »…) dans les "
    "infobulles, les tableaux, la fiche et son PDF.\n"
    "- **Palettes choisies pour les daltoniens** (Okabe-Ito pour les leviers, ColorBrewer pour les niveaux), "
    f"avec un objectif de contraste d'au moins {fr_float(MIN_GRAPHIC_CONTRAST, 0)}:1 sur fond blanc pour "
    "les éléments graphiques : voir le tableau ci-dessous, calculé à partir de `data/programme.toml`.\n"
    "- **Clavier** : toutes les pages, filtres, recherches et téléchargements s'utilisent au clavier ; "
    "chaque vue a une adresse (paramètres d'URL), ce qui permet d'atteindre une fiche sans passer par la carte.\n"
    "- **Matrice segment × levier** : un tableau HTML (en-têtes de lignes et de colonnes) ; sur la page "
    "Segments, chaque case est un bouton qui se choisit au clavier (Tab, puis Entrée) et dit à un lecteur "
    "d'écran sa part, ses effectifs, son intervalle à 95 % et son niveau moyen ; la case choisie est "
    "annoncée comme pressée.\n"
    "- **Cadres nommés** : chaque carte s'affiche dans un cadre dont le titre dit ce qu'elle montre "
    "(« Carte des territoires par segment de taille », « Carte : Métropole de Lyon et sa zone »…).\n"
    "- **Textes en français, nombres au format français** (« 12 345 hab. », « 42 % »).\n"
    "- **Dossier d'atelier hors ligne** : un fichier HTML déclaré en français, zoomable, dont les chiffres "
    "sont des tableaux avec en-têtes de lignes et de colonnes.\n"
    "- **Tests automatiques** : chaque page est analysée par axe-core dans les tests du projet ; une "
    "nouvelle anomalie grave ou critique fait échouer les tests."
)

st.header("Contraste des couleurs sur fond blanc")
st.caption(
    f"{plural(contrasts.n, 'couleur')} utilisées pour représenter des données ; "
    f"{plural(contrasts.n_weak, 'couleur')} sous le seuil de {fr_float(MIN_GRAPHIC_CONTRAST, 0)}:1."
)
st.html(contrasts.html)
if contrasts.n_weak:
    st.markdown(
        "Les couleurs sous le seuil sont toujours accompagnées d'un libellé (légende, infobulle, tableau) ; "
        "elles seront remplacées par des teintes plus foncées de la même famille."
    )

st.header("Ce qui n'est pas conforme")
st.markdown(
    "- **Carte interactive (Leaflet)** : les territoires dessinés ne se sélectionnent pas au clavier et "
    "leurs infobulles n'apparaissent qu'au survol de la souris. Contournement : le tableau des territoires "
    "sous chaque carte, la recherche par nom et la fiche de chaque territoire.\n"
    "- **Cadre de la carte de la page « Carte »** : la carte cliquable est dessinée par le composant "
    "streamlit-folium, dont le cadre porte le titre technique « streamlit_folium.st_folium ».\n"
    "- **Composants de Streamlit**, hors de notre contrôle : la langue de la page déclarée par Streamlit, "
    "les tableaux de données interactifs des pages Carte, Données et Historique (grille dessinée dans un "
    "canevas, mal restituée par certains lecteurs d'écran), certains libellés et rôles ARIA des widgets.\n"
    "- **Fiche PDF** : le PDF n'est pas balisé (structure non restituée par les lecteurs d'écran). "
    "La fiche en ligne, en HTML, donne les mêmes informations.\n"
    "- **Images téléchargées (PNG)** : elles n'emportent pas d'alternative textuelle ; les versions SVG "
    "gardent leurs textes.\n"
    "- **Aucun audit** de conformité n'a encore été réalisé ; les tests automatiques ne détectent qu'une "
    "partie des problèmes."
)

st.header("Retour d'information et contact")
st.markdown(
    "Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez le responsable du tableau de "
    "bord pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :\n\n"
    "- courriel : **[adresse à compléter par l'équipe du programme]**\n"
    "- adresse postale : **[à compléter]**"
)

st.header("Voies de recours")
st.markdown(
    "Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu et que vous "
    "n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits, contacter son "
    "délégué dans votre région, ou lui écrire par courrier (gratuit, sans timbre) : Défenseur des droits, "
    "Libre réponse 71120, 75342 Paris CEDEX 07."
)
