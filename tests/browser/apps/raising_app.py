"""A page that fails: what does a visitor see of the exception? (``client.showErrorDetails``)."""

raise RuntimeError("Fichier introuvable : /srv/secret/donnees/programme.sqlite")
